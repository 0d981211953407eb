package io.srrrs.cli;

import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The KEKs of the local keystore ({@code kms.type=local}). A running topology and client see
 * changes at their next KMS call: the keystore is re-read when the file changes. Works with the
 * topology's own configuration file too ({@code --config FILE} with its {@code kms.local.*} keys).
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Manage the KEKs of the local KMS keystore (kms.type=local).",
                "Disabling a KEK is crypto-shredding: objects under it no longer decrypt once readers' unwrap caches "
                        + "expire (kms.unwrap.cache.ttl.ms), and enable brings them back. destroy deletes every "
                        + "version for good: nothing brings those objects back."},
        subcommands = KeysCommand.ListKeys.class)
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static LocalKeystoreKms open(SrrrsCommand.Common common) {
        Map<String, String> kms = common.config().topology().kmsConfig();
        if (!"local".equals(kms.getOrDefault(KmsConfig.TYPE, "local"))) {
            throw new CliException("keys manages the local keystore; this configuration uses kms.type="
                    + kms.get(KmsConfig.TYPE) + " (manage those keys in that KMS)");
        }
        return LocalKeystoreKms.openOrCreate(Path.of(KmsConfig.required(kms, "kms.local.keystore")),
                KmsConfig.secret(kms, "kms.local.password"));
    }

    static void print(LocalKeystoreKms.KekInfo k) {
        System.out.printf("%-24s v%-3d %-8s versions %s%s%n", k.name(), k.primaryVersion(), k.state(), k.versions(),
                k.aliases().isEmpty() ? "" : "  aliases " + k.aliases());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the KEKs: name, primary version, state.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Override
        public Integer call() throws Exception {
            try (LocalKeystoreKms kms = open(common)) {
                kms.listKeks().forEach(KeysCommand::print);
            }
            return 0;
        }
    }

    /** The changes to one KEK: each a subcommand that applies it and prints what the KEK is now. */
    enum Change {
        CREATE("create", "Create a KEK (a fresh AES-256 key, version 1).", LocalKeystoreKms::createKek),
        ROTATE("rotate", "Add a new version and make it primary; objects under older versions still decrypt.",
                LocalKeystoreKms::rotate),
        DISABLE("disable", "Disable a KEK: no new DEKs, no unwrap (crypto-shredding, reversible with enable).",
                LocalKeystoreKms::disable),
        ENABLE("enable", "Enable a disabled KEK again.", LocalKeystoreKms::enable);

        final String command;
        final String description;
        final Operation operation;

        Change(String command, String description, Operation operation) {
            this.command = command;
            this.description = description;
            this.operation = operation;
        }
    }

    @FunctionalInterface
    interface Operation {
        LocalKeystoreKms.KekInfo apply(LocalKeystoreKms kms, String name) throws Exception;
    }

    /** Adds one subcommand per {@link Change} to {@code keys} (picocli's annotations name a class once), then destroy. */
    static void addChanges(CommandLine keys) {
        for (Change change : Change.values()) {
            CommandLine sub = new CommandLine(new KekChange(change));
            sub.getCommandSpec().usageMessage().description(change.description);
            keys.addSubcommand(change.command, sub);
        }
        keys.addSubcommand(new Destroy()); // last, as in the help: the one that cannot be undone
    }

    @Command(mixinStandardHelpOptions = true)
    static final class KekChange implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;
        @Parameters(paramLabel = "NAME")
        String name;

        private final Change change;

        KekChange(Change change) {
            this.change = change;
        }

        @Override
        public Integer call() throws Exception {
            try (LocalKeystoreKms kms = open(common)) {
                print(change.operation.apply(kms, name));
            }
            return 0;
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = {"Delete every version of a KEK for good.",
                    "Every object under the KEK is then unreadable for good: this is crypto-shredding that cannot be "
                            + "undone. It needs --yes."})
    static final class Destroy implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--yes", description = "Confirm: the objects under NAME are lost.")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                throw new CliException("destroy " + name + " makes every object under it unreadable for good; add --yes "
                        + "(or use disable, which can be undone)");
            }
            try (LocalKeystoreKms kms = open(common)) {
                kms.destroy(name);
                System.out.println("destroyed " + name);
            }
            return 0;
        }
    }
}
