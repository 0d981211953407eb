package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Ceph RADOS Gateway (one monitor, one memstore OSD, radosgw) started by the project's
 * {@code bin/ceph-rgw} script, serving S3 on HTTPS with TLS 1.3 only under a certificate of our
 * local CA. Unlike S3Proxy it enforces SSE-C, so the tests use it for the SSE-C truth; and
 * {@link #rawObjects} hands out the RADOS objects it really stores.
 */
public final class CephRgw implements AutoCloseable {

    /** The system property naming the script; by default {@code bin/ceph-rgw} above the working directory. */
    public static final String SCRIPT_PROPERTY = "srrrs.ceph.script";

    private final Path script;
    private final Path dir;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private CephRgw(Path script, Path dir, URI endpoint, String accessKey, String secretKey) {
        this.script = script;
        this.dir = dir;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a fresh cluster under {@code dir} (which must not exist yet). */
    public static CephRgw start(Path dir, LocalCa ca) throws IOException, InterruptedException {
        Path script = script();
        LocalCa.ServerIdentity id;
        try {
            id = ca.server("ceph-rgw", List.of("localhost", "127.0.0.1"));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot issue the RGW certificate", e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("RGW_CERT", id.certPem().toString());
        env.put("RGW_KEY", id.keyPem().toString());
        env.put("RGW_CA", ca.caPem().toString());
        env.put("RGW_HTTPS_PORT", Integer.toString(FreePorts.next()));
        env.put("MON_V1_PORT", Integer.toString(FreePorts.next()));
        env.put("MON_V2_PORT", Integer.toString(FreePorts.next()));
        run(script, env, 180, "start", dir.toString());
        Map<String, String> s3 = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("s3.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                s3.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new CephRgw(script, dir, URI.create(s3.get("S3_ENDPOINT")), s3.get("S3_ACCESS_KEY"), s3.get("S3_SECRET_KEY"));
    }

    public URI httpsEndpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public Path dir() {
        return dir;
    }

    /**
     * A store outage: SIGKILL of the gateway alone ({@code bin/ceph-rgw rgw-stop}). The monitor and
     * the memstore OSD keep running and keep every object, so {@link #startGateway} brings the
     * same store back.
     */
    public void stopGateway() throws IOException, InterruptedException {
        run(script, Map.of(), 60, "rgw-stop", dir.toString());
    }

    /** Starts the gateway again with its own command line and waits until it answers. */
    public void startGateway() throws IOException, InterruptedException {
        run(script, Map.of(), 180, "rgw-start", dir.toString());
    }

    /** Copies every RADOS object of the bucket data pool into {@code out}: what the store really holds. */
    public List<Path> rawObjects(Path out) throws IOException, InterruptedException {
        return rawObjects(dir, out);
    }

    /**
     * Every RADOS object of the bucket data pool in one file ({@code rados export}): the same bytes
     * as {@link #rawObjects}, in one process rather than one per object.
     */
    public Path exportRaw(Path file) throws IOException, InterruptedException {
        run(script, Map.of(), 600, "raw-export", dir.toString(), file.toString());
        return file;
    }

    /** The same for a cluster another process started under {@code dir}. */
    public static List<Path> rawObjects(Path dir, Path out) throws IOException, InterruptedException {
        run(script(), Map.of(), 120, "raw", dir.toString(), out.toString());
        try (var files = Files.list(out)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * {@code bin/ceph-rgw stop DIR} for a cluster this object does not hold: one another process
     * started, or whose {@link #start} did not finish. Nothing to do when {@code dir} is gone.
     */
    public static void stop(Path dir) throws IOException, InterruptedException {
        run(script(), Map.of(), 60, "stop", dir.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(script, Map.of(), 60, "stop", dir.toString());
    }

    private static void run(Path script, Map<String, String> env, int limitSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        // Output to a file, not a pipe: the daemons the script starts outlive it.
        Path output = Files.createTempFile("srrrs-ceph-rgw-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("bin/ceph-rgw " + args[0] + " did not finish within " + limitSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("bin/ceph-rgw " + args[0] + " failed (" + p.exitValue() + "): "
                        + Files.readString(output).strip()
                        + (args[0].equals("start") ? " (the packages come with bin/install-test-deps)" : ""));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Path script() throws IOException {
        String configured = System.getProperty(SCRIPT_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("bin/ceph-rgw");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("bin/ceph-rgw not found above " + Path.of("").toAbsolutePath()
                + "; set -D" + SCRIPT_PROPERTY + "=<path>");
    }
}
