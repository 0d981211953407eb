package io.srrrs.sink;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.SecretFiles;
import io.srrrs.store.StoreConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The connector's one configuration. Names follow Confluent's S3 sink where they mean the same
 * thing ({@code s3.bucket.name}, {@code store.url}, {@code s3.region}, {@code s3.part.size},
 * {@code s3.part.retries}, {@code s3.retry.backoff.ms}, {@code aws.access.key.id},
 * {@code aws.secret.access.key}); ours start with {@code srrrs.}. Connect's own
 * {@code errors.tolerance} and {@code errors.deadletterqueue.*} decide what happens to chunks of
 * objects that can never be written.
 */
public final class S3SinkConfig extends AbstractConfig {

    public static final String BUCKETS = "s3.bucket.name";
    public static final String STORE_URL = "store.url";
    public static final String REGION = "s3.region";
    public static final String PATH_STYLE = "s3.path.style.access";
    public static final String PART_SIZE = "s3.part.size";
    public static final String RETRIES = "s3.part.retries";
    public static final String RETRY_BACKOFF = "s3.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX = "s3.retry.backoff.max.ms";
    public static final String ACCESS_KEY = "aws.access.key.id";
    public static final String SECRET_KEY = "aws.secret.access.key";
    public static final String TRUSTSTORE = "s3.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "s3.ssl.truststore.password";
    public static final String BUFFER_MEMORY = "srrrs.buffer.memory.bytes";
    public static final String BUFFER_DIR = "srrrs.buffer.dir";
    public static final String ABANDONED_AGE = "srrrs.multipart.abandoned.age.ms";
    public static final String SSE_C_PRIVATE_KEY = "srrrs.sse-c.private.key";
    public static final String SSE_C_PRIVATE_KEY_FILE = "srrrs.sse-c.private.key.file";
    public static final String ASSEMBLY_TIMEOUT = "srrrs.assembly.timeout.ms";
    public static final String RECORD_MAX_ATTEMPTS = "srrrs.record.max.attempts";
    public static final String UPLOAD_CONCURRENCY = "s3.upload.concurrency";

    static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BUCKETS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, BucketAllowList.VALIDATOR, Importance.HIGH,
                    "Required. Buckets this connector writes to: exact names, name-prefix* patterns (one * at the "
                            + "end), or * for any bucket the credentials reach; empty is refused at validate and start. "
                            + "A chunk naming another bucket is refused as BUCKET_NOT_ALLOWED (reported through "
                            + "errors.tolerance).")
            .define(STORE_URL, Type.STRING, "", Importance.HIGH,
                    "The store's endpoint, e.g. https://s3.eu-west-1.amazonaws.com or https://rgw.example:443. Empty: "
                            + "AWS's regional endpoint for s3.region.")
            .define(REGION, Type.STRING, "us-east-1", Importance.MEDIUM, "Signing region.")
            .define(PATH_STYLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Path-style addressing (https://host/bucket/key), as most S3-compatible stores want.")
            .define(PART_SIZE, Type.INT, 25 * 1024 * 1024, Range.atLeast(MIN_PART_SIZE), Importance.MEDIUM,
                    "Bytes per multipart-upload part (at least 5 MiB, S3's minimum). Objects up to this size are "
                            + "written with one PutObject.")
            .define(RETRIES, Type.INT, 5, Range.between(0, 100), Importance.LOW,
                    "Retries of one store request after throttling, 5xx or a network failure, with exponential "
                            + "backoff and full jitter; then the batch is retried by Connect, so nothing is lost.")
            .define(RETRY_BACKOFF, Type.LONG, 200L, Range.atLeast(1), Importance.LOW, "First backoff.")
            .define(RETRY_BACKOFF_MAX, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW, "Largest backoff.")
            .define(ACCESS_KEY, Type.STRING, "", Importance.HIGH,
                    "Access key; empty uses the AWS default credentials chain (environment, profile, instance role).")
            .define(SECRET_KEY, Type.PASSWORD, "", Importance.HIGH, "Secret key.")
            .define(TRUSTSTORE, Type.STRING, "", Importance.MEDIUM,
                    "PKCS#12 trust store for the store's certificate (default: the JDK's).")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "Its password.")
            .define(BUFFER_MEMORY, Type.LONG, 256L * 1024 * 1024, Range.atLeast(1), Importance.MEDIUM,
                    "Memory a task may use for parts being assembled, whatever the number of partitions and "
                            + "objects; past it, part buffers spill to srrrs.buffer.dir.")
            .define(BUFFER_DIR, Type.STRING, "", Importance.LOW,
                    "Directory for spilled part buffers (ciphertext only). Empty: the JVM's temporary directory.")
            .define(ABANDONED_AGE, Type.LONG, 24L * 3600 * 1000, Range.atLeast(60_000), Importance.LOW,
                    "At start, multipart uploads older than this in the buckets s3.bucket.name names exactly (not "
                            + "through a pattern) are aborted: left behind by a crash whose object was never written "
                            + "again.")
            .define(SSE_C_PRIVATE_KEY, Type.PASSWORD, "", Importance.MEDIUM,
                    "The sink's X25519 private key (base64) that opens the SSE-C keys the topology sealed to it. "
                            + "Empty: objects that ask for SSE-C are refused.")
            .define(SSE_C_PRIVATE_KEY_FILE, Type.STRING, "", Importance.MEDIUM,
                    "File holding that key instead (first line).")
            .define(ASSEMBLY_TIMEOUT, Type.LONG, 10L * 60 * 1000, Range.atLeast(1000), Importance.LOW,
                    "An object whose next chunk has not come for this long, while later records of its partition "
                            + "did, is refused as INCOMPLETE (its chunk 0 reported, its upload aborted), so that it "
                            + "cannot hold back the partition's committed offset for ever.")
            .define(RECORD_MAX_ATTEMPTS, Type.INT, 3, Range.between(1, 100), Importance.LOW,
                    "Attempts at a chunk whose handling fails for an unforeseen reason before it is refused as "
                            + "PROCESSING_FAILED. A store outage is retried until the store is back; a 5xx or timeout that "
                            + "keeps coming for one object while the store answers a HeadBucket this many times in a row is "
                            + "that object's (STORE_REFUSED), not an outage.")
            .define(UPLOAD_CONCURRENCY, Type.INT, 8, Range.between(1, 64), Importance.MEDIUM,
                    "Store uploads (PutObject or UploadPart) a task keeps in flight at once while it goes on "
                            + "assembling the next objects; put() waits only when this many are. An object still counts "
                            + "as unfinished for the committed offset until its upload succeeded, and two objects of "
                            + "the same key still reach the store in partition order. Parts in flight count against "
                            + "srrrs.buffer.memory.bytes. The store client's connection pool is sized to match.");

    public S3SinkConfig(Map<String, String> props) {
        super(DEFINITION, props);
        URI url = storeUrl();
        if (url != null && !"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
            throw new ConfigException(STORE_URL, getString(STORE_URL), "must be an http or https URL");
        }
        if (getString(ACCESS_KEY).isBlank() != getPassword(SECRET_KEY).value().isBlank()) {
            throw new ConfigException(SECRET_KEY, "(hidden)", "give both " + ACCESS_KEY + " and " + SECRET_KEY + ", or neither");
        }
        String key = sseCPrivateKey();
        if (key != null) {
            try {
                SseCKeySealer.publicKeyOf(key);
            } catch (RuntimeException e) {
                throw new ConfigException(SSE_C_PRIVATE_KEY, "(hidden)", "is not a base64 X25519 private key");
            }
        }
    }

    public URI storeUrl() {
        String url = getString(STORE_URL).trim();
        return url.isEmpty() ? null : URI.create(url);
    }

    BucketAllowList buckets() {
        return new BucketAllowList(getList(BUCKETS));
    }

    public int partSize() {
        return getInt(PART_SIZE);
    }

    public StoreConfig store() {
        String access = getString(ACCESS_KEY).trim();
        String truststore = getString(TRUSTSTORE).trim();
        return new StoreConfig(storeUrl(), getString(REGION), getBoolean(PATH_STYLE),
                access.isEmpty() ? null : access, access.isEmpty() ? null : getPassword(SECRET_KEY).value(),
                truststore.isEmpty() ? null : Path.of(truststore),
                getPassword(TRUSTSTORE_PASSWORD).value().isEmpty() ? null : getPassword(TRUSTSTORE_PASSWORD).value(),
                getInt(RETRIES) + 1, Duration.ofMillis(getLong(RETRY_BACKOFF)), Duration.ofMillis(getLong(RETRY_BACKOFF_MAX)));
    }

    /** The SSE-C private key (base64) from the config or its file, or null when SSE-C is off. */
    public String sseCPrivateKey() {
        Password inline = getPassword(SSE_C_PRIVATE_KEY);
        if (inline != null && !inline.value().isBlank()) {
            return inline.value().trim();
        }
        String file = getString(SSE_C_PRIVATE_KEY_FILE).trim();
        if (file.isEmpty()) {
            return null;
        }
        try {
            return SecretFiles.firstLine(Path.of(file));
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException(SSE_C_PRIVATE_KEY_FILE, file, "cannot be read: " + e.getMessage());
        }
    }

    public Path bufferDir() {
        String dir = getString(BUFFER_DIR).trim();
        return dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "srrrs-sink") : Path.of(dir);
    }

    /** The configuration reference as a Markdown table. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("| key | default | what it does |\n|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            Object def = key.defaultValue;
            String shown = def == null || def == ConfigDef.NO_DEFAULT_VALUE || key.type == Type.PASSWORD ? ""
                    : def instanceof List<?> l
                    ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(def);
            sb.append("| `").append(key.name).append("` | ").append(shown.isEmpty() ? "" : "`" + shown + "`")
                    .append(" | ").append(key.documentation).append(" |\n");
        }
        return sb.toString();
    }
}
