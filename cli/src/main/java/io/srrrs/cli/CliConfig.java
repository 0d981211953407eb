package io.srrrs.cli;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What every {@code srrrs} command reads: one properties file ({@code .srrrs/srrrs.properties},
 * written by {@code srrrs up}, or one of your own for a real deployment). It holds the topology's
 * keys (Kafka client, registry, topics, {@code kms.*}) and the store's, named as the sink names them.
 */
public final class CliConfig {

    public static final String STORE_URL = "store.url";
    public static final String ACCESS_KEY = "aws.access.key.id";
    public static final String SECRET_KEY = "aws.secret.access.key";
    public static final String REGION = "s3.region";
    public static final String PATH_STYLE = "s3.path.style.access";
    public static final String TRUSTSTORE = "s3.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "s3.ssl.truststore.password";
    /** The bucket commands use when none is named. */
    public static final String BUCKET = "srrrs.cli.bucket";
    public static final String CONNECT_URL = "srrrs.cli.connect.url";
    /** Local stack only: what kind of store it runs, where its files and Kafka's log are (for the leak scan). */
    public static final String STORE_KIND = "srrrs.cli.store.kind";
    public static final String STORE_DATA_DIR = "srrrs.cli.store.data.dir";
    public static final String KAFKA_LOG_DIR = "srrrs.cli.kafka.log.dir";

    /** Keys the topology does not read. */
    static final List<String> NON_TOPOLOGY_KEYS = List.of(STORE_URL, ACCESS_KEY, SECRET_KEY, REGION, PATH_STYLE, TRUSTSTORE,
            TRUSTSTORE_PASSWORD, BUCKET, CONNECT_URL, STORE_KIND, STORE_DATA_DIR, KAFKA_LOG_DIR);

    /** The keys the CLI reads besides the topology's, for the README's reference. */
    static final Map<String, String> DOCUMENTATION = docs(
            STORE_URL, "The store's https endpoint; empty for AWS S3 itself (then s3.region picks it).",
            REGION, "Region for request signing. Default us-east-1.",
            PATH_STYLE, "Path-style bucket addressing. Default true with store.url, false without.",
            ACCESS_KEY, "Static credentials; without them the AWS default credential chain is used.",
            SECRET_KEY, "The secret half of the static credentials.",
            TRUSTSTORE, "PKCS#12 trust store for the store's TLS certificate; default: the JDK's.",
            TRUSTSTORE_PASSWORD, "Its password. Default changeit.",
            BUCKET, "The bucket commands use when none is named (the local stack's: srrrs-demo).",
            KekAllowList.KEY, "KEKs `get`, `inspect`, `rewrap` (source and `--to`) and the demo accept: names, aliases, "
                    + "`*` patterns, comma-separated; an object under any other is refused (KEK_NOT_ALLOWED) before "
                    + "a KMS call. Default: only srrrs.kek.default. `*`: any.",
            KekAllowList.ACCOUNTS_KEY, "AWS KMS: the accounts whose key ARNs readers accept (12 digits, "
                    + "comma-separated), whatever srrrs.kek.allowed matched. Default: any account.",
            CONNECT_URL, "The Connect REST endpoint `status` and `doctor` check (the local stack sets it).",
            STORE_KIND, "Local stack only: s3proxy or rgw, for the demo's scan of raw store bytes.",
            STORE_DATA_DIR, "Local stack only: S3Proxy's data directory.",
            KAFKA_LOG_DIR, "Local stack only: the broker's log directory, for the demo's scan.");

    private final Path file;
    private final Map<String, String> values;

    private CliConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    /**
     * Loads {@code file}, with the topology's {@code SRRRS_<KEY>} environment overrides on top
     * ({@link TopologyConfig#environmentOverrides}); a missing file gets an error that says how to
     * make one.
     */
    public static CliConfig load(Path file) {
        return load(file, System.getenv());
    }

    static CliConfig load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no configuration at " + file + ": run `srrrs up` first or pass --dir DIR (the "
                    + "stack's directory), or --config FILE for another deployment (README, \"Pointing at real services\")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        // As for the topology: a deployment's file leaves its secrets to SRRRS_<KEY> variables.
        m.putAll(TopologyConfig.environmentOverrides(env));
        return new CliConfig(file, m);
    }

    public Path file() {
        return file;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    public Map<String, String> values() {
        return values;
    }

    public TopologyConfig topology() {
        Map<String, String> t = new HashMap<>(values);
        NON_TOPOLOGY_KEYS.forEach(t::remove);
        return TopologyConfig.of(t);
    }

    public StoreConfig store() {
        // No store.url: AWS S3 itself, in s3.region.
        String url = get(STORE_URL, null);
        String truststore = get(TRUSTSTORE, null);
        return new StoreConfig(url == null ? null : URI.create(url), get(REGION, "us-east-1"),
                Boolean.parseBoolean(get(PATH_STYLE, url == null ? "false" : "true")), get(ACCESS_KEY, null),
                get(SECRET_KEY, null), truststore == null ? null : Path.of(truststore),
                truststore == null ? null : get(TRUSTSTORE_PASSWORD, "changeit"), 5, Duration.ofMillis(200),
                Duration.ofSeconds(10));
    }

    public S3Client s3() {
        return StoreClients.s3(store());
    }

    public DecoratedKms kms() {
        return KmsConfig.stack(topology().kmsConfig());
    }

    public SrrrsClient client(DecoratedKms kms) {
        return SrrrsClient.create(store(), kms.kms(), allowedKeks());
    }

    /**
     * The KEKs {@code get}, {@code inspect}, {@code rewrap} and the demo open objects under (and
     * rewrap to): {@value KekAllowList#KEY} and {@value KekAllowList#ACCOUNTS_KEY} when given,
     * else only {@code srrrs.kek.default}, the KEK this deployment encrypts under; with neither,
     * none (every object is refused, saying which key to set). {@code *} allows any.
     */
    public KekAllowList allowedKeks() {
        String allowed = get(KekAllowList.KEY, null);
        String accounts = get(KekAllowList.ACCOUNTS_KEY, null);
        if (allowed != null) {
            return KekAllowList.parse(allowed, accounts);
        }
        String fallback = get(TopologyConfig.KEK_DEFAULT, null);
        KekAllowList none = KekAllowList.parse("", accounts);
        return fallback == null ? none : none.with(fallback);
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder("| key | what it does |\n|---|---|\n");
        DOCUMENTATION.forEach((k, v) -> sb.append("| `").append(k).append("` | ").append(v).append(" |\n"));
        return sb.toString();
    }

    private static Map<String, String> docs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    public String bucket() {
        return get(BUCKET, null);
    }
}
