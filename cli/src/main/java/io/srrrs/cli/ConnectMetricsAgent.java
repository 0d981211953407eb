package io.srrrs.cli;

import io.srrrs.embedded.FreePorts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Prometheus JMX exporter agent for the local stack's Connect worker, as a production worker
 * runs it (docs/OPERATIONS.md §1.2): the agent jar Maven copies to cli/target/jmx-exporter/
 * ({@code srrrs.jmx.exporter.agent}, set by bin/srrrs and the ITs) with the rules of
 * deploy/connect/jmx-exporter.yaml, on a free loopback port. Without the jar the worker runs
 * without it and the stack lists no Connect metrics endpoint.
 */
record ConnectMetricsAgent(Path jar, Path rules, int port) {

    static final String AGENT_PROPERTY = "srrrs.jmx.exporter.agent";

    /** The agent to start the worker with, or null when the jar or the rules are not there. */
    static ConnectMetricsAgent find() {
        String jar = System.getProperty(AGENT_PROPERTY);
        String root = System.getProperty("srrrs.root");
        if (jar == null || root == null) {
            return null;
        }
        Path rules = Path.of(root, "deploy", "connect", "jmx-exporter.yaml");
        if (!Files.isRegularFile(Path.of(jar)) || !Files.isRegularFile(rules)) {
            return null;
        }
        return new ConnectMetricsAgent(Path.of(jar), rules, FreePorts.next());
    }

    /** The worker JVM's options for {@code agent} (none when null). */
    static List<String> jvmOptions(ConnectMetricsAgent agent) {
        return agent == null ? List.of()
                : List.of("-javaagent:" + agent.jar() + "=127.0.0.1:" + agent.port() + ":" + agent.rules());
    }

    String url() {
        return "http://127.0.0.1:" + port + "/metrics";
    }
}
