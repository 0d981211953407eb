package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ACLs deploy/kafka/init-acls.sh creates, recorded by running it against stand-ins for
 * kafka-topics.sh and kafka-acls.sh that log their arguments, and evaluated the way Kafka's
 * authorizer does for the cases we use: literal or prefixed names, All covering every operation.
 */
record Acls(List<Grant> grants, List<String> createdTopics) {

    record Grant(String principal, String operation, String type, String pattern, String name) {

        boolean covers(String op, String resourceType, String resource) {
            boolean nameMatches = pattern.equals("prefixed") ? resource.startsWith(name) : resource.equals(name);
            return type.equals(resourceType) && nameMatches && (operation.equals("All") || operation.equals(op));
        }
    }

    static Acls record(Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("calls.log");
        for (String tool : List.of("kafka-topics.sh", "kafka-acls.sh")) {
            Path stub = bin.resolve(tool);
            // one line per call: the tool's name, then its arguments separated by tabs
            Files.writeString(stub, "#!/bin/sh\n{ printf '" + tool + "'; for a in \"$@\"; do printf '\\t%s' \"$a\"; done; echo; } >> '"
                    + log + "'\n");
            assertThat(stub.toFile().setExecutable(true)).isTrue();
        }
        Tools.Result r = Tools.run(tmp, List.of("sh", DockerComposeTest.root.resolve("deploy/kafka/init-acls.sh").toString()),
                Map.of("KAFKA_BIN", bin.toString(), "CERT_PASSWORD", "test"));
        assertThat(r.exit()).as(r.output()).isZero();
        List<Grant> grants = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            List<String> a = List.of(line.split("\t"));
            if (a.get(0).equals("kafka-topics.sh") && a.contains("--create")) {
                created.add(a.get(a.indexOf("--topic") + 1));
            } else if (a.get(0).equals("kafka-acls.sh")) {
                assertThat(a).contains("--add").doesNotContain("--deny-principal");
                grants.addAll(parse(a));
            }
        }
        return new Acls(grants, created);
    }

    private static List<Grant> parse(List<String> args) {
        String principal = null;
        String pattern = "literal";
        String type = null;
        String name = null;
        List<String> operations = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--allow-principal" -> principal = args.get(++i).replaceFirst("^User:", "");
                case "--operation" -> operations.add(args.get(++i));
                case "--resource-pattern-type" -> pattern = args.get(++i);
                case "--topic", "--group", "--transactional-id" -> {
                    assertThat(type).as("one resource per call").isNull();
                    type = a.substring(2);
                    name = args.get(++i);
                }
                case "--cluster" -> type = "cluster";
                default -> {
                    // --bootstrap-server, --command-config and --add: connection, not grants
                    if (a.startsWith("--bootstrap") || a.startsWith("--command")) {
                        i++;
                    }
                }
            }
        }
        List<Grant> out = new ArrayList<>();
        for (String op : operations) {
            out.add(new Grant(principal, op, type, pattern, name));
        }
        return out;
    }

    /** The principals a grant allows {@code op} on the resource, super users aside. */
    Set<String> who(String op, String type, String resource) {
        Set<String> out = new TreeSet<>();
        grants.stream().filter(g -> g.covers(op, type, resource)).forEach(g -> out.add(g.principal()));
        return out;
    }

    List<Grant> grantsOf(String principal) {
        return grants.stream().filter(g -> g.principal().equals(principal)).toList();
    }
}
