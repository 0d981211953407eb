package io.srrrs.topology;

import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsFactory;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.topology.ops.OpsConfig;
import io.srrrs.topology.source.SourceDeadlineRule;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The topology's configuration: one properties file, overridden by environment variables.
 *
 * <p>Three families of keys live in the same file: ours ({@code srrrs.*}, defined below), the
 * KMS's ({@code kms.*}, {@link KmsConfig}) and the registry's ({@code schema.registry.*},
 * {@link RegistryConfig}); everything else goes to Kafka Streams unchanged ({@code bootstrap.servers},
 * {@code security.protocol}, {@code ssl.*}, {@code producer.*}, ...). {@link ConfigFamilies} sorts them.
 *
 * <p>Environment override: {@code SRRRS_} followed by the key in upper case with {@code .} and
 * {@code -} as {@code _}, e.g. {@code SRRRS_BOOTSTRAP_SERVERS}, {@code SRRRS_SRRRS_INPUT_TOPIC},
 * {@code SRRRS_KMS_LOCAL_PASSWORD}. It applies to every documented key of the three families and
 * to every Kafka Streams, producer and consumer key.
 */
public final class TopologyConfig extends AbstractConfig {

    public static final String INPUT_TOPIC = "srrrs.input.topic";
    public static final String OUTPUT_TOPIC = "srrrs.output.topic";
    public static final String DLQ_TOPIC = "srrrs.dlq.topic";
    public static final String TOPICS_CREATE = "srrrs.topics.create";
    public static final String TOPICS_PARTITIONS = "srrrs.topics.partitions";
    public static final String TOPICS_REPLICATION = "srrrs.topics.replication.factor";
    public static final String SEGMENT_SIZE = "srrrs.segment.size";
    public static final String CHUNK_MAX_BYTES = "srrrs.chunk.max.bytes";
    public static final String SLICE_BYTES = "srrrs.transaction.slice.bytes";
    public static final String SOURCE_MAX_BYTES = "srrrs.source.max.bytes";
    public static final String SOURCE_DEADLINE = "srrrs.source.deadline.ms";
    public static final String FILE_ROOTS = "srrrs.source.file.allowed.roots";
    public static final String S3_ENDPOINT = "srrrs.source.s3.endpoint";
    public static final String S3_REGION = "srrrs.source.s3.region";
    public static final String S3_PATH_STYLE = "srrrs.source.s3.path.style.access";
    public static final String S3_BUCKETS = "srrrs.source.s3.allowed.buckets";
    public static final String S3_ACCESS_KEY = "srrrs.source.s3.access.key";
    public static final String S3_SECRET_KEY = "srrrs.source.s3.secret.key";
    public static final String S3_TRUSTSTORE = "srrrs.source.s3.truststore.location";
    public static final String S3_TRUSTSTORE_PASSWORD = "srrrs.source.s3.truststore.password";
    public static final String HTTPS_HOSTS = "srrrs.source.https.allowed.hosts";
    public static final String HTTPS_CONNECT_TIMEOUT = "srrrs.source.https.connect.timeout.ms";
    public static final String HTTPS_MAX_REDIRECTS = "srrrs.source.https.max.redirects";
    public static final String HTTPS_TRUSTSTORE = "srrrs.source.https.truststore.location";
    public static final String HTTPS_TRUSTSTORE_PASSWORD = "srrrs.source.https.truststore.password";
    public static final String KEK_DEFAULT = "srrrs.kek.default";
    public static final String KEK_TEMPLATE = "srrrs.kek.template";
    public static final String KEK_REFERENCE_OVERRIDE = "srrrs.kek.reference.override";
    public static final String KEK_ALLOWED = KekAllowList.KEY;
    public static final String KEK_ALLOWED_ACCOUNTS = KekAllowList.ACCOUNTS_KEY;
    public static final String BUCKET_ALLOWED = "srrrs.bucket.allowed";
    public static final String POLICY_MATCH = "srrrs.policy.match";
    public static final String POLICY_RULES = "srrrs.policy.rules";
    public static final String DEDUP_RETENTION = "srrrs.dedup.retention.ms";
    public static final String TRANSIENT_MAX_ATTEMPTS = "srrrs.transient.max.attempts";
    public static final String TRANSIENT_BACKOFF = "srrrs.transient.backoff.ms";
    public static final String TRANSIENT_BACKOFF_MAX = "srrrs.transient.backoff.max.ms";
    public static final String SSE_C_SINK_PUBLIC_KEY = "srrrs.sse-c.sink.public.key";
    public static final String OUTPUT_FORMAT_DEFAULT = OutputFormats.DEFAULT_KEY;
    public static final String OUTPUT_FORMATS_ALLOWED = OutputFormats.ALLOWED_KEY;

    /** Our keys, in the order the README's table lists them: one group per concern. */
    public static final ConfigDef DEFINITION = definition();

    private static ConfigDef definition() {
        ConfigDef def = new ConfigDef();
        topics(def);
        chunking(def);
        sourceBounds(def);
        s3Source(def);
        httpsSource(def);
        keks(def);
        destinations(def);
        OutputFormats.define(def);
        processing(def);
        OpsConfig.define(def);
        return def;
    }

    /** The topics the topology reads and writes, and whether it creates them. */
    private static void topics(ConfigDef def) {
        def.define(INPUT_TOPIC, Type.STRING, "payload-refs", Importance.HIGH,
                "Topic the PayloadReference records are read from.");
        def.define(OUTPUT_TOPIC, Type.STRING, "ciphertext-chunks", Importance.HIGH,
                "Topic the EncryptedChunk records are written to (the sink reads it).");
        def.define(DLQ_TOPIC, Type.STRING, "payload-refs.dlq", Importance.HIGH,
                "Dead-letter topic: every reference that cannot be processed, with srrrs.dlq.* headers.");
        def.define(TOPICS_CREATE, Type.BOOLEAN, true, Importance.LOW,
                "Create the output and DLQ topics at start if they are missing.");
        def.define(TOPICS_PARTITIONS, Type.INT, -1, Importance.LOW,
                "Partitions for topics created at start; -1 takes the input topic's count.");
        def.define(TOPICS_REPLICATION, Type.SHORT, (short) -1, Importance.LOW,
                "Replication factor for topics created at start; -1 is the broker's default.");
    }

    /** How an object is cut: segments inside the object, chunks on the output topic. */
    private static void chunking(ConfigDef def) {
        def.define(SEGMENT_SIZE, Type.INT, FormatV1.DEFAULT_SEGMENT_SIZE,
                Range.between(4096, FormatV1.MAX_SEGMENT_SIZE), Importance.MEDIUM,
                "Plaintext bytes per encrypted segment (docs/FORMAT.md): the granularity of ranged reads.");
        def.define(CHUNK_MAX_BYTES, Type.INT, 768 * 1024, Range.between(8192, 16 * 1024 * 1024), Importance.MEDIUM,
                "Upper bound of the ciphertext in one EncryptedChunk record; keep it below the output topic's "
                        + "max.message.bytes (default 1 MiB) with room for the record's other fields.");
        def.define(SLICE_BYTES, Type.LONG, 32L * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                "Ciphertext bytes of one object in one Kafka transaction. A larger object is committed in slices, "
                        + "one transaction each, so the sink (read_committed) starts uploading it while the rest is "
                        + "encrypted and its size is not bounded by what one transaction can hold; after a crash it "
                        + "is encrypted again from the start under a new attempt, which the sink prefers. Smaller "
                        + "objects, and inline payloads, stay in one transaction. 32 MiB is under a second of encryption (how long an open "
                        + "transaction holds back read_committed readers of its partition) at one commit per 32 MiB.");
    }

    /** What every payload is held to, whatever its source, and the file: roots. */
    private static void sourceBounds(ConfigDef def) {
        def.define(SOURCE_MAX_BYTES, Type.LONG, 5L * 1024 * 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
                "Largest payload accepted from any source; larger ones go to the DLQ as SOURCE_TOO_LARGE.");
        def.define(SOURCE_DEADLINE, Type.LONG, 300_000L, Range.atLeast(1), Importance.MEDIUM,
                "Time the reading of a payload may take within one transaction, for every source type: connecting, "
                        + "redirects, the response headers and the body of one slice (srrrs.transaction.slice.bytes; "
                        + "a smaller payload: all of it). A larger object's deadline starts anew for each slice and "
                        + "stops in between, so its whole read is not bounded by it; only an object finished at once "
                        + "(a new reference for its bucket/key came, or the task holds too many in progress) reads "
                        + "its whole rest within one. A slower source goes to the DLQ as SOURCE_FAILED. Checked at "
                        + "start: srrrs.source.deadline.ms + commit.interval.ms + 60000 must not exceed the producer's "
                        + "transaction.timeout.ms (600000 here by default) nor max.poll.interval.ms, so a slow "
                        + "source never outlives its transaction. At the default, a slice of 32 MiB must arrive at "
                        + "about 110 KB/s.");
        def.define(FILE_ROOTS, Type.LIST, "", Importance.MEDIUM,
                "Directories file: references may read from. Opened from the root one component at a time, "
                        + "following no symbolic link: '..', '.', empty components and any link are refused. Empty "
                        + "disables file: sources.");
    }

    /** The staging store s3:// references are read from. */
    private static void s3Source(ConfigDef def) {
        def.define(S3_ENDPOINT, Type.STRING, "", Importance.MEDIUM,
                "Endpoint of the staging S3 store for s3:// references; empty uses AWS's regional endpoint.");
        def.define(S3_REGION, Type.STRING, "us-east-1", Importance.LOW, "Region of the staging store.");
        def.define(S3_PATH_STYLE, Type.BOOLEAN, true, Importance.LOW, "Path-style addressing for the staging store.");
        def.define(S3_BUCKETS, Type.LIST, "", Importance.MEDIUM,
                "Staging buckets s3:// references may read. Empty disables s3:// sources.");
        def.define(S3_ACCESS_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                "Access key for the staging store; unset uses the AWS default credentials chain.");
        def.define(S3_SECRET_KEY, Type.PASSWORD, null, Importance.MEDIUM, "Secret key for the staging store.");
        def.define(S3_TRUSTSTORE, Type.STRING, "", Importance.LOW,
                "PKCS#12 trust store for an https staging store (default: the JDK's).");
        def.define(S3_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Its password.");
    }

    /** The hosts https:// references are read from. */
    private static void httpsSource(ConfigDef def) {
        def.define(HTTPS_HOSTS, Type.LIST, "", Importance.MEDIUM,
                "Hosts https:// references may read, exact names or *.domain wildcards; redirects must stay "
                        + "among them. Empty disables https:// sources.");
        def.define(HTTPS_CONNECT_TIMEOUT, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                "Connect timeout for https sources.");
        def.define(HTTPS_MAX_REDIRECTS, Type.INT, 3, Range.between(0, 10), Importance.LOW,
                "Redirects followed, each checked against the allow-list.");
        def.define(HTTPS_TRUSTSTORE, Type.STRING, "", Importance.LOW,
                "PKCS#12 trust store for https sources (default: the JDK's). TLS 1.3 only.");
        def.define(HTTPS_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Its password.");
    }

    /** Which KEK a reference is encrypted under ({@link KekPolicy}). */
    private static void keks(ConfigDef def) {
        def.define(KEK_DEFAULT, Type.STRING, "", Importance.HIGH,
                "KEK alias used when neither the reference nor the template picks one. Empty: no default.");
        def.define(KEK_TEMPLATE, Type.STRING, "", Importance.MEDIUM,
                "KEK alias template, e.g. tenant-${context.tenant} or KEK_${topic}; placeholders ${topic}, "
                        + "${bucket}, ${context.<name>}. A reference lacking a placeholder's value goes to the DLQ "
                        + "as NO_KEK.");
        def.define(KEK_REFERENCE_OVERRIDE, Type.BOOLEAN, false, Importance.MEDIUM,
                "Whether a reference's kekAlias may choose the KEK (before the template and the default). Off: "
                        + "a reference naming a KEK goes to the DLQ as KEK_NOT_ALLOWED. On requires srrrs.kek.allowed.");
        def.define(KEK_ALLOWED, Type.LIST, "", Importance.HIGH,
                "KEKs the topology may encrypt under, checked on the resolved KEK before any DEK is asked for "
                        + "(else KEK_NOT_ALLOWED): names or aliases (an alias allows the key it resolves to), "
                        + "patterns with * matched against the KEK id (tenant-*, arn:aws:kms:*:111122223333:key/*), "
                        + "or * for any KEK the KMS credentials can use. srrrs.kek.default is always allowed. "
                        + "Empty: only srrrs.kek.default; empty with srrrs.kek.template or the reference override "
                        + "set refuses to start.");
        def.define(KEK_ALLOWED_ACCOUNTS, Type.LIST, "", Importance.MEDIUM,
                "AWS KMS: the 12-digit accounts every KEK ARN must belong to, whatever entry of srrrs.kek.allowed "
                        + "matched it (and the policy rules' KEKs too). Empty: no account restriction.");
    }

    /** Where a reference's object may be written ({@link ReferencePolicy}). */
    private static void destinations(ConfigDef def) {
        def.define(BUCKET_ALLOWED, Type.LIST, "", Importance.HIGH,
                "Destination buckets references may have their objects written to: names, patterns with *, or * "
                        + "for any; another bucket goes to the DLQ as POLICY_DENIED. Required: empty refuses to start "
                        + "(as the sink's s3.bucket.name does).");
        def.define(POLICY_MATCH, Type.STRING, "", Importance.MEDIUM,
                "What picks a rule of srrrs.policy.rules for a reference: context.<label> (its encryption "
                        + "context's value, e.g. context.tenant) or topic (the input topic). Empty: no rules.");
        def.define(POLICY_RULES, Type.STRING, "", Importance.MEDIUM,
                "Per-tenant (or per-topic) rules, name:field=v1,v2|field=... separated by ;, e.g. "
                        + "acme:kek=tenant-acme|bucket=acme-data|prefix=acme/;globex:kek=tenant-globex. Fields: kek "
                        + "(as srrrs.kek.allowed), bucket (names or * patterns), prefix (key prefixes); one left "
                        + "out does not restrict. The rule named * is for every value without its own. On top of "
                        + "srrrs.kek.allowed and srrrs.bucket.allowed; a reference breaking its rule, or with no "
                        + "rule, goes to the DLQ as POLICY_DENIED (KEK_NOT_ALLOWED for its KEK), checked before any "
                        + "source is opened.");
    }

    /** Duplicates, SSE-C and retries of references that fail for a reason that is not bad input. */
    private static void processing(ConfigDef def) {
        def.define(DEDUP_RETENTION, Type.LONG, 7L * 24 * 3600 * 1000, Range.atLeast(0), Importance.LOW,
                "How long a processed reference id is remembered to refuse duplicates.");
        def.define(SSE_C_SINK_PUBLIC_KEY, Type.STRING, "", Importance.MEDIUM,
                "The sink's X25519 public key (base64; bin/srrrs sse-c-keypair makes a pair). With it, references "
                        + "asking for sseC get their object's SSE-C key sealed to the sink in chunk 0; without it "
                        + "they go to the DLQ as SSE_C_NOT_AVAILABLE.");
        def.define(TRANSIENT_MAX_ATTEMPTS, Type.INT, 10, Range.between(1, 100), Importance.LOW,
                "Attempts at a reference that keeps failing for a reason that is not bad input (a KMS or "
                        + "registry outage, a source that broke off, an unforeseen exception) before it goes to the "
                        + "DLQ as PROCESSING_FAILED. With the default backoffs, about 2.5 minutes of trying.");
        def.define(TRANSIENT_BACKOFF, Type.LONG, 1000L, Range.atLeast(0), Importance.LOW,
                "Wait after a reference's first such failure; it doubles after each.");
        def.define(TRANSIENT_BACKOFF_MAX, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                "Longest wait between two attempts at one reference.");
    }

    private final Map<String, String> raw;

    private TopologyConfig(Map<String, String> raw) {
        super(DEFINITION, ConfigFamilies.ours(raw), false);
        this.raw = Map.copyOf(raw);
        int chunk = getInt(CHUNK_MAX_BYTES);
        int minimum = FormatV1.HEADER_LENGTH + getInt(SEGMENT_SIZE) + FormatV1.TAG_LENGTH;
        if (chunk < minimum) {
            throw new ConfigException(CHUNK_MAX_BYTES, chunk, "must hold the header and one segment: at least " + minimum);
        }
        String guarantee = raw.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (guarantee != null && !guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new ConfigException(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
                    "the topology only runs exactly_once_v2: chunks and the input offset commit in one transaction");
        }
        SourceDeadlineRule.check(getLong(SOURCE_DEADLINE), streamsProperties(), raw);
        OutputFormats.from(this); // refuses to start on a format that is unknown or a default that is not allowed
    }

    public static TopologyConfig of(Map<String, String> raw) {
        return new TopologyConfig(raw);
    }

    /** Reads {@code file} (may be null) and applies {@code env} overrides. */
    public static TopologyConfig load(Path file, Map<String, String> env) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        }
        m.putAll(environmentOverrides(env));
        return of(m);
    }

    /**
     * The {@code SRRRS_<KEY>} variables of {@code env} that override a file's keys (how a container
     * is given its secrets), by key; {@code bin/encryptor run} and {@code srrrs --config} apply them.
     */
    public static Map<String, String> environmentOverrides(Map<String, String> env) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String key : ConfigFamilies.overridableKeys()) {
            String v = env.get(envName(key));
            if (v != null) {
                overrides.put(key, v);
            }
        }
        return overrides;
    }

    public static String envName(String key) {
        return "SRRRS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The {@code kms.*} keys, for {@link KmsConfig}. */
    public Map<String, String> kmsConfig() {
        return ConfigFamilies.kms(raw);
    }

    /** The registry keys, for {@link RegistryConfig#fromProperties}. */
    public Map<String, Object> registryConfig() {
        return ConfigFamilies.registry(raw);
    }

    /**
     * What Kafka Streams gets: every key that is not ours, the KMS's or the registry's, over the
     * defaults a long-running encryption job needs.
     */
    public Properties streamsProperties() {
        return ConfigFamilies.streams(raw);
    }

    public Map<String, String> raw() {
        return raw;
    }

    /** What a plain Kafka client (producer, consumer, admin) needs from this configuration: servers and security. */
    public Map<String, Object> kafkaClientProperties() {
        return ConfigFamilies.kafkaClients(streamsProperties());
    }

    /** The configuration reference as a Markdown table: our keys, then the KMS's. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("| key | default | what it does |\n|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            Object def = key.defaultValue;
            String shown = def == null ? "" : def instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                    : String.valueOf(def);
            sb.append("| `").append(key.name).append("` | ").append(shown.isEmpty() ? "" : "`" + shown + "`")
                    .append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n"); // a | would end the cell
        }
        KmsConfig.COMMON_KEYS.forEach((k, d) -> sb.append("| `").append(k).append("` |  | ").append(d).append(" |\n"));
        for (KmsFactory f : KmsConfig.factories()) {
            f.documentation().forEach((k, d) -> sb.append("| `").append(k).append("` |  | ").append(d).append(" |\n"));
        }
        return sb.toString();
    }
}
