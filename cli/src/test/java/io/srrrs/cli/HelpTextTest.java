package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every {@code --help} reads as whole sentences at 80 columns: picocli wraps each description
 * element at word boundaries, so an element must be whole sentences (a line break in the source
 * used to land mid-sentence), and the command list shows each subcommand's first element whole.
 */
class HelpTextTest {

    /** The root and every subcommand below it, picocli's own {@code help} included. */
    static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        collect(SrrrsCommand.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine c, List<CommandLine> all) {
        all.add(c);
        c.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    static String help(CommandLine c) {
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Our description elements of {@code spec} and of its options and parameters (not picocli's help command). */
    static Stream<String> descriptions(CommandSpec spec) {
        Stream<ArgSpec> args = Stream.concat(spec.options().stream(), spec.positionalParameters().stream());
        return Stream.concat(Arrays.stream(spec.usageMessage().description()),
                args.flatMap(a -> Arrays.stream(a.description())));
    }

    /** The command list of {@code help}: name to its summary, continuation lines joined. */
    static List<String[]> commandList(String help) {
        List<String[]> entries = new ArrayList<>();
        boolean inList = false;
        for (String line : help.split("\n")) {
            if (line.equals("Commands:")) {
                inList = true;
            } else if (inList && line.isBlank()) {
                break;
            } else if (inList && line.matches("^  \\S.*")) {
                String[] nameAndSummary = line.trim().split("\\s+", 2);
                entries.add(new String[] {nameAndSummary[0], nameAndSummary.length > 1 ? nameAndSummary[1] : ""});
            } else if (inList) {
                String[] last = entries.get(entries.size() - 1);
                last[1] = last[1] + " " + line.trim();
            }
        }
        return entries;
    }

    @Test
    void noLineIsWiderThanEightyColumns() {
        assertThat(everyCommand()).hasSizeGreaterThan(CliHelpTest.SUBCOMMANDS.size());
        for (CommandLine c : everyCommand()) {
            for (String line : help(c).split("\n")) {
                assertThat(line.length()).as(c.getCommandSpec().qualifiedName() + ": " + line).isLessThanOrEqualTo(80);
            }
        }
    }

    @Test
    void everyDescriptionElementIsWholeSentences() {
        for (CommandLine c : everyCommand()) {
            if (c.getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own
            }
            descriptions(c.getCommandSpec()).filter(d -> !d.isBlank()).forEach(d -> assertThat(d.trim())
                    .as(c.getCommandSpec().qualifiedName()).matches("(?s).*[.!?]"));
        }
    }

    @Test
    void theCommandListsShowEachFirstSentenceWhole() {
        for (CommandLine c : everyCommand()) {
            if (c.getSubcommands().isEmpty()) {
                continue;
            }
            List<String[]> list = commandList(help(c));
            assertThat(list).as(c.getCommandName()).hasSize(c.getSubcommands().size());
            for (String[] entry : list) {
                CommandSpec sub = c.getSubcommands().get(entry[0]).getCommandSpec();
                // picocli lists the header when there is one (its help command has), else the first element
                String[] header = sub.usageMessage().header();
                String first = header.length > 0 ? header[0] : sub.usageMessage().description()[0];
                assertThat(entry[1]).as(entry[0]).endsWith(".").isEqualTo(first);
                assertThat(first).as(entry[0] + ": one sentence").doesNotContainPattern("\\. [A-Z]");
            }
        }
    }

    /** picocli may break a line after a dot inside a word ("srrrs." / "properties"): those must not fall at an edge. */
    @Test
    void noDottedNameIsBrokenAcrossLines() {
        Pattern dotted = Pattern.compile("[\\w$/-]*\\.\\w[\\w.=/-]*\\w");
        for (CommandLine c : everyCommand()) {
            String help = help(c);
            descriptions(c.getCommandSpec()).forEach(d -> {
                Matcher m = dotted.matcher(d);
                while (m.find()) {
                    assertThat(help).as(c.getCommandSpec().qualifiedName()).contains(m.group());
                }
            });
        }
    }

    @Test
    void theTwoReportedCasesReadWhole() {
        CommandLine root = SrrrsCommand.commandLine();
        assertThat(help(root)).containsPattern("(?m)^  up +Start the local stack in the background\\.$")
                .doesNotContain("the local KMS,\n");
        String publish = help(root.getSubcommands().get("publish"));
        assertThat(publish.replaceAll("\\s+", " ")).contains("Files are sent by file: URI with their SHA-256");
    }

    @Test
    void getSaysWhatAFailureAfterStdoutBytesMeans() {
        String get = help(SrrrsCommand.commandLine().getSubcommands().get("get")).replaceAll("\\s+", " ");
        assertThat(get).contains("Without -o the bytes go to stdout as they are verified, segment by segment.")
                .contains("a truncation is detected at the end").contains("discard the bytes already written.");
    }
}
