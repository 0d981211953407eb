package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The operations files under deploy/ (docs/OPERATIONS.md): the alert rules and the scrape
 * configuration pass the real {@code promtool}; the dashboard and the alerts use only documented
 * metrics, and the dashboard shows every one; the Kubernetes manifests agree with each other and
 * with the code's settings. Structural only: no Kubernetes cluster or Grafana runs here.
 */
class DeployChecksTest {

    static final Path ROOT = Path.of(System.getProperty("srrrs.root", ".."));
    static final Pattern METRIC = Pattern.compile("\\bsrrrs_[a-z0-9_]+");

    static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    /** The metric names of docs/OPERATIONS.md's tables. */
    static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (srrrs_[a-z0-9_]+) \\|").matcher(read("docs/OPERATIONS.md"));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).hasSizeGreaterThan(25);
        return names;
    }

    /** The metrics an expression uses, a histogram's series named by the histogram. */
    static Set<String> used(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> doc = new Yaml().load(read("deploy/prometheus/alerts.yml"));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlertsCoverWhatTheIssueNamesAndUseOnlyDocumentedMetrics() throws IOException {
        Set<String> documented = documented();
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : alertRules()) {
            alerts.add((String) rule.get("alert"));
            assertThat(used((String) rule.get("expr"))).as(rule.get("alert") + " uses").isNotEmpty()
                    .isSubsetOf(documented);
            assertThat(((Map<String, Object>) rule.get("labels"))).containsKey("severity");
            assertThat(((Map<String, Object>) rule.get("annotations"))).containsKeys("summary", "description");
            assertThat(rule).containsKey("for");
        }
        assertThat(alerts).contains("SrrrsDlqRateHigh", "SrrrsSinkLagHigh", "SrrrsKmsFailures", "SrrrsDekCacheCollapse");
    }

    @Test
    void promtoolAcceptsTheRulesAndTheScrapeConfiguration() throws Exception {
        assertThat(promtool("check", "rules", "deploy/prometheus/alerts.yml")).contains("SUCCESS: 6 rules found");
        assertThat(promtool("check", "config", "deploy/prometheus/prometheus.yml")).contains("SUCCESS");
    }

    static String promtool(String... args) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            fail("promtool is missing: bin/install-test-deps installs Debian's prometheus package");
        }
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardShowsEveryDocumentedMetricAndNothingElse() throws IOException {
        Map<String, Object> dash = new Yaml().load(read("deploy/grafana/srrrs-dashboard.json"));
        assertThat(dash).containsEntry("uid", "srrrs-pipeline").containsKey("title");
        List<Map<String, Object>> panels = (List<Map<String, Object>>) dash.get("panels");
        assertThat(panels).hasSizeGreaterThan(10);
        Set<String> shown = new TreeSet<>();
        for (Map<String, Object> panel : panels) {
            assertThat((Map<String, Object>) panel.get("datasource")).containsEntry("uid", "${datasource}");
            List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
            assertThat(targets).as(panel.get("title").toString()).isNotEmpty();
            targets.forEach(t -> shown.addAll(used((String) t.get("expr"))));
        }
        assertThat(shown).isEqualTo(documented());
    }

    /** Every document of every manifest under deploy/kubernetes/, by kind and name. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> manifests() throws IOException {
        Map<String, Map<String, Object>> all = new java.util.TreeMap<>();
        try (var files = Files.list(ROOT.resolve("deploy/kubernetes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object o : new Yaml().loadAll(Files.readString(f))) {
                    Map<String, Object> doc = (Map<String, Object>) o;
                    Map<String, Object> meta = (Map<String, Object>) doc.get("metadata");
                    String name = meta == null ? f.getFileName().toString() : (String) meta.get("name");
                    all.put(doc.get("kind") + "/" + name, doc);
                }
            }
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object o = node;
        for (String p : path) {
            o = o instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) o).get(p);
            if (o == null) {
                fail("no " + String.join(".", path));
            }
        }
        return (T) o;
    }

    @Test
    void strimzisConnectBuildsOurPluginExportsMetricsAndRunsTheSink() throws IOException {
        Map<String, Map<String, Object>> m = manifests();
        Map<String, Object> connect = m.get("KafkaConnect/srrrs-connect");
        Map<String, Object> connector = m.get("KafkaConnector/srrrs-s3-sink");
        assertThat(connect).isNotNull();
        assertThat(connector).isNotNull();
        assertThat((String) at(connect, "apiVersion")).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat((String) at(connect, "metadata", "annotations", "strimzi.io/use-connector-resources")).isEqualTo("true");
        assertThat((String) at(connect, "spec", "config", "ssl.enabled.protocols")).isEqualTo("TLSv1.3");
        assertThat((Object) at(connect, "spec", "tls", "trustedCertificates")).isNotNull();
        assertThat((String) at(connect, "spec", "build", "plugins", "0", "artifacts", "0", "url")).endsWith("-plugin.jar");
        assertThat((String) at(connector, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("srrrs-connect");
        assertThat((String) at(connector, "spec", "class")).isEqualTo("io.srrrs.sink.S3SinkConnector");
        String cm = at(connect, "spec", "metricsConfig", "valueFrom", "configMapKeyRef", "name");
        String key = at(connect, "spec", "metricsConfig", "valueFrom", "configMapKeyRef", "key");
        assertThat((String) at(m.get("ConfigMap/" + cm), "data", key)).as("the JMX exporter rules are deploy/connect's")
                .isEqualTo(read("deploy/connect/jmx-exporter.yaml"));
        Map<String, Object> config = at(connector, "spec", "config");
        String sinkReadme = read("sink-connector/README.md");
        for (String k : config.keySet()) {
            boolean connectOwn = k.equals("topics") || k.startsWith("key.converter") || k.startsWith("value.converter")
                    || k.startsWith("consumer.override.") || k.startsWith("errors.");
            assertThat(connectOwn || sinkReadme.contains("`" + k + "`")).as("connector key " + k + " is documented")
                    .isTrue();
            if (k.contains("secret") || k.contains("password")) {
                assertThat(String.valueOf(config.get(k))).as(k + " comes from a Secret").startsWith("${secrets:");
            }
        }
    }

    @Test
    void theTopologysProbesAndMetricsPortAgreeWithItsConfigAndService() throws IOException {
        Map<String, Map<String, Object>> m = manifests();
        Map<String, Object> deployment = m.get("Deployment/srrrs-topology");
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");
        assertThat((int) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds") * 1000L)
                .as("longer than srrrs.shutdown.timeout.ms, or a stop leaves its transaction open")
                .isGreaterThan(io.srrrs.topology.ops.OpsConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS);
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
        assertThat((String) at(container, "livenessProbe", "httpGet", "port")).isEqualTo("metrics");
        int port = at(container, "ports", "0", "containerPort");
        String properties = at(m.get("ConfigMap/srrrs-topology"), "data", "encryptor.properties");
        assertThat(properties).contains("srrrs.metrics.port=" + port);
        assertThat((int) at(m.get("Service/srrrs-topology"), "spec", "ports", "0", "port")).isEqualTo(port);
        assertThat((Map<String, Object>) at(m.get("Service/srrrs-topology"), "spec", "selector"))
                .isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        String topologyReadme = read("topology/README.md");
        for (String line : properties.split("\n")) {
            String k = line.split("=", 2)[0].trim();
            boolean kafkaOwn = k.equals("application.id") || k.equals("bootstrap.servers") || k.startsWith("ssl.")
                    || k.equals("security.protocol") || k.equals("state.dir") || k.startsWith("kms.");
            assertThat(kafkaOwn || topologyReadme.contains("`" + k + "`")).as("topology key " + k + " is documented")
                    .isTrue();
        }
    }

    @Test
    void secretsComeFromSecretObjectsAndNoneIsAppliedFromTheRepository() throws IOException {
        String kustomization = read("deploy/kubernetes/kustomization.yaml");
        assertThat(kustomization).doesNotContain("secrets.example.yaml");
        Set<String> known = new TreeSet<>(Set.of("srrrs-topology", "srrrs-kafka-cluster-ca-cert")); // made by Strimzi
        manifests().keySet().stream().filter(k -> k.startsWith("Secret/")).forEach(k -> known.add(k.substring(7)));
        Matcher refs = Pattern.compile("secretKeyRef:\\s+name: (\\S+)").matcher(read("deploy/kubernetes/topology.yaml"));
        int n = 0;
        while (refs.find()) {
            assertThat(known).contains(refs.group(1));
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(4);
        assertThat(read("deploy/kubernetes/secrets.example.yaml")).doesNotContainPattern("(?m)^\\s+[a-z-]+: \"(?!<set me>)[^\"]+\"");
    }
}
