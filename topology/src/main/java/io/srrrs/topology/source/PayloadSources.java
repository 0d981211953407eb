package io.srrrs.topology.source;

import io.srrrs.crypto.pki.Tls;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.ReferenceValidator;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sources by scheme, and the two bounds every payload is held to, whatever its source says:
 * its size ({@code srrrs.source.max.bytes}) and one deadline for the whole of it, connection,
 * headers and body ({@code srrrs.source.deadline.ms}, see {@link SourceDeadlineRule}).
 */
public final class PayloadSources implements AutoCloseable {

    /** Told of each payload read to its end: its scheme and the time from opening it. Quick, never throwing. */
    @FunctionalInterface
    public interface FetchObserver {
        void fetched(String scheme, long nanos);
    }

    private final Map<String, PayloadSource> byScheme;
    private volatile FetchObserver fetches = (scheme, nanos) -> { };
    private final long maxBytes;
    private final Duration deadline;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "srrrs-source-deadlines");
        t.setDaemon(true);
        return t;
    });

    public PayloadSources(Map<String, PayloadSource> byScheme, long maxBytes, Duration deadline) {
        this.byScheme = Map.copyOf(byScheme);
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    public static PayloadSources from(TopologyConfig c) {
        List<String> buckets = c.getList(TopologyConfig.S3_BUCKETS);
        PayloadSource s3 = buckets.isEmpty()
                ? (ref, deadline) -> {
                    throw new BadReferenceException(RejectReason.BUCKET_NOT_ALLOWED,
                            "s3:// sources are disabled (srrrs.source.s3.allowed.buckets is empty)");
                }
                : new S3PayloadSource(s3Client(c), new HashSet<>(buckets));
        SSLContext httpsTrust = context(c.getString(TopologyConfig.HTTPS_TRUSTSTORE),
                c.getPassword(TopologyConfig.HTTPS_TRUSTSTORE_PASSWORD));
        return new PayloadSources(Map.of(
                "inline", new InlinePayloadSource(),
                "file", new FilePayloadSource(c.getList(TopologyConfig.FILE_ROOTS)),
                "s3", s3,
                "https", new HttpsPayloadSource(c.getList(TopologyConfig.HTTPS_HOSTS), httpsTrust,
                        Duration.ofMillis(c.getLong(TopologyConfig.HTTPS_CONNECT_TIMEOUT)),
                        c.getInt(TopologyConfig.HTTPS_MAX_REDIRECTS))),
                c.getLong(TopologyConfig.SOURCE_MAX_BYTES), Duration.ofMillis(c.getLong(TopologyConfig.SOURCE_DEADLINE)));
    }

    /**
     * Opens the payload of a validated reference, bounded by srrrs.source.max.bytes and by
     * srrrs.source.deadline.ms from now: past it, opening or reading fails with
     * {@link SourceDeadlineExceededException}. An object read in slices starts the deadline anew
     * for each slice ({@link OpenedPayload#deadline()}).
     */
    public OpenedPayload open(ReferenceValidator.Valid valid) throws BadReferenceException, IOException {
        PayloadSource source = byScheme.get(valid.scheme());
        if (source == null) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, valid.scheme() + " sources are not available");
        }
        long openedNanos = System.nanoTime();
        SourceDeadline started = SourceDeadline.start(deadline);
        OpenedPayload opened = source.open(valid.reference(), started);
        if (opened.declaredLength() > maxBytes) {
            opened.close();
            throw new BadReferenceException(RejectReason.SOURCE_TOO_LARGE, "payload is " + opened.declaredLength()
                    + " bytes; srrrs.source.max.bytes is " + maxBytes);
        }
        DeadlineInputStream timed = new DeadlineInputStream(opened.stream(), started, timer);
        return new OpenedPayload(new FetchTimedInputStream(new LimitedInputStream(timed, maxBytes), valid.scheme(),
                openedNanos, fetches), opened.declaredLength(), timed);
    }

    /** Who is told of each whole fetch from now on (the metrics); set before the topology starts. */
    public void observeFetches(FetchObserver observer) {
        this.fetches = Objects.requireNonNull(observer, "observer");
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Duration deadline() {
        return deadline;
    }

    private static S3Client s3Client(TopologyConfig c) {
        String endpoint = c.getString(TopologyConfig.S3_ENDPOINT);
        Password access = c.getPassword(TopologyConfig.S3_ACCESS_KEY);
        Password secret = c.getPassword(TopologyConfig.S3_SECRET_KEY);
        String truststore = c.getString(TopologyConfig.S3_TRUSTSTORE);
        Password truststorePassword = c.getPassword(TopologyConfig.S3_TRUSTSTORE_PASSWORD);
        return StoreClients.s3(new StoreConfig(endpoint.isBlank() ? null : URI.create(endpoint),
                c.getString(TopologyConfig.S3_REGION), c.getBoolean(TopologyConfig.S3_PATH_STYLE),
                access == null ? null : access.value(), secret == null ? null : secret.value(),
                truststore.isBlank() ? null : Path.of(truststore),
                truststorePassword == null ? null : truststorePassword.value(), 3, Duration.ofMillis(200),
                Duration.ofSeconds(5)));
    }

    private static SSLContext context(String truststore, Password password) {
        return Tls.tls13ClientContext(Tls.pkcs12TrustManagers(truststore.isBlank() ? null : Path.of(truststore),
                password == null ? null : password.value(), "trust store"));
    }

    @Override
    public void close() {
        byScheme.values().forEach(PayloadSource::close);
        timer.shutdownNow();
    }
}
