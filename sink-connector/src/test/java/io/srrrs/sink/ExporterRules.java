package io.srrrs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;

/**
 * deploy/connect/jmx-exporter.yaml applied as the Prometheus JMX exporter applies it, in pure Java
 * (its agent jar is not served to this build): each MBean attribute becomes the string
 * {@code domain<key=value, ...><>attribute: value}, keys in the MBean name's own order; the first
 * rule whose pattern matches it, unanchored, names the sample, {@code $n} replaced by its groups.
 */
final class ExporterRules {

    static final Path FILE = Path.of("..", "deploy", "connect", "jmx-exporter.yaml");

    record Rule(Pattern pattern, String name, String type, Map<String, String> labels) {
    }

    /** One exported sample: the Prometheus name, its labels, its value. */
    record Sample(String name, String type, Map<String, String> labels, double value) {
    }

    final List<String> includeObjectNames = new ArrayList<>();
    final List<Rule> rules = new ArrayList<>();

    static ExporterRules load() throws IOException {
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(FILE.toFile());
        ExporterRules r = new ExporterRules();
        yaml.path("includeObjectNames").forEach(n -> r.includeObjectNames.add(n.asText()));
        for (JsonNode rule : yaml.path("rules")) {
            Map<String, String> labels = new LinkedHashMap<>();
            rule.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            // As the exporter compiles it: matched anywhere in the string.
            r.rules.add(new Rule(Pattern.compile("^.*?(?:" + rule.path("pattern").asText() + ").*?$"),
                    rule.path("name").asText(), rule.path("type").asText("UNTYPED"), labels));
        }
        return r;
    }

    /** The string the exporter matches rules against, for one numeric attribute. */
    static String matchString(ObjectName bean, String attribute, Object value) {
        List<String> keys = new ArrayList<>();
        for (String kv : bean.getKeyPropertyListString().split(",")) {
            keys.add(kv);
        }
        return bean.getDomain() + "<" + String.join(", ", keys) + "><>" + attribute + ": " + value;
    }

    /** The sample the first matching rule makes of the attribute, or empty when no rule matches. */
    Optional<Sample> apply(ObjectName bean, String attribute, Number value) {
        String s = matchString(bean, attribute, value);
        for (Rule rule : rules) {
            Matcher m = rule.pattern.matcher(s);
            if (m.matches()) {
                Map<String, String> labels = new TreeMap<>();
                rule.labels.forEach((k, v) -> labels.put(substitute(k, m), substitute(v, m)));
                String name = substitute(rule.name, m).replaceAll("[^a-zA-Z0-9:_]", "_").replaceAll("__+", "_");
                return Optional.of(new Sample(name, rule.type, labels, value.doubleValue()));
            }
        }
        return Optional.empty();
    }

    /** Every sample the rules make of the numeric attributes of the MBeans matching {@code query}. */
    List<Sample> scrape(MBeanServerConnection server, ObjectName query) throws Exception {
        List<Sample> out = new ArrayList<>();
        for (ObjectName bean : server.queryNames(query, null)) {
            for (MBeanAttributeInfo a : server.getMBeanInfo(bean).getAttributes()) {
                Object v = server.getAttribute(bean, a.getName());
                if (v instanceof Number n) {
                    apply(bean, a.getName(), n).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private static String substitute(String template, Matcher m) {
        String out = template;
        for (int g = m.groupCount(); g >= 1; g--) {
            out = out.replace("$" + g, m.group(g) == null ? "" : m.group(g));
        }
        return out;
    }
}
