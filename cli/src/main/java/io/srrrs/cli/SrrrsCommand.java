package io.srrrs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/srrrs}: the local stack ({@code up}, {@code down}, {@code status}, {@code demo}) and
 * the daily tools, against the local stack or, with {@code --config FILE}, any deployment (the
 * topology's own properties file will do for {@code publish --no-wait}, {@code watch} and
 * {@code keys}). Every subcommand has {@code --help}.
 */
@Command(name = "srrrs", mixinStandardHelpOptions = true, versionProvider = SrrrsCommand.Version.class,
        description = {"The SRRRS encryption pipeline: Kafka references in, only ciphertext in the object store.", ""},
        subcommands = {StackCommands.Up.class, StackCommands.Down.class, StackCommands.Status.class, DemoCommand.class,
                PublishCommand.class, WatchCommand.class, ObjectCommands.Get.class, ObjectCommands.Ls.class,
                ObjectCommands.Inspect.class, ObjectCommands.Rewrap.class, KeysCommand.class, SseCKeyPairCommand.class,
                DoctorCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with `srrrs demo`; then `srrrs up` and the tour in README.md."})
public final class SrrrsCommand implements Runnable {

    /** The width the help is wrapped at. */
    static final int HELP_WIDTH = 80;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares: where the local stack lives and which configuration to read. */
    public static final class Common {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "The local stack's directory. Default: $SRRRS_HOME, else the directory .srrrs in the "
                        + "current directory.")
        Path dir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "The configuration file. Default: srrrs.properties in DIR, which `srrrs up` writes.")
        Path config;

        Path dir() {
            if (dir != null) {
                return dir.toAbsolutePath().normalize();
            }
            String home = System.getenv("SRRRS_HOME");
            return Path.of(home == null || home.isBlank() ? ".srrrs" : home).toAbsolutePath().normalize();
        }

        CliConfig config() {
            return CliConfig.load(config != null ? config : dir().resolve("srrrs.properties"));
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SrrrsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"srrrs " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }

    /**
     * The embedded components log a lot; their logs go to DIR/srrrs.log, not the terminal. Set
     * before anything creates a logger (picocli does not log).
     */
    private static void routeLogs(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.logFile") != null) {
            return;
        }
        Common common = new Common();
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
        // Only the commands that run components log to a file; the others print warnings only,
        // and should not create DIR.
        if (!List.of(args).contains("up") && !List.of(args).contains("demo")) {
            if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            }
            return;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir") && i + 1 < args.length) {
                common.dir = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--dir=")) {
                common.dir = Path.of(args[i].substring("--dir=".length()));
            }
        }
        try {
            Files.createDirectories(common.dir());
            System.setProperty("org.slf4j.simpleLogger.logFile", common.dir().resolve("srrrs.log").toString());
        } catch (IOException | RuntimeException e) {
            // logs stay on stderr
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SrrrsCommand());
        KeysCommand.addChanges(cli.getSubcommands().get("keys"));
        // 80 columns whatever the terminal: the help reads the same everywhere and tests see what users see.
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.setUsageHelpAutoWidth(false);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("srrrs " + commandLine.getCommandName() + ": " + ErrorHints.describe(e));
            err.flush();
            return 1;
        });
        return cli;
    }

    public static void main(String[] args) {
        routeLogs(args);
        int code = 1;
        try {
            code = commandLine().execute(args);
        } catch (Throwable e) {
            // An Error picocli does not handle: report it and exit, never hang on the stack's threads.
            System.err.println("srrrs: " + e);
            e.printStackTrace();
        } finally {
            System.exit(code);
        }
    }
}
