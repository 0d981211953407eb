package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real Apicurio Registry (Quarkus, in-memory storage) as a child process, serving HTTPS with
 * TLS 1.3 only on loopback, with a certificate from the {@link LocalCa}. It answers the Confluent
 * Schema Registry API at {@link #url()}. Needs Java 21+ (found by {@link Jdks}); the distribution
 * comes from the local Maven repository (the embedded module depends on it) and is unpacked once
 * into {@code ~/.cache/srrrs/}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ApicurioRegistry start(Path workDir, LocalCa ca) throws IOException, GeneralSecurityException,
            InterruptedException {
        return start(workDir, ca, FreePorts.next());
    }

    public static ApicurioRegistry start(Path workDir, LocalCa ca, int port) throws IOException,
            GeneralSecurityException, InterruptedException {
        return start(workDir, ca, port, List.of());
    }

    /**
     * As {@link #start(Path, LocalCa, int)}, its schemas kept in an H2 database file under
     * {@code workDir/db} instead of in memory: a registry killed and started again on the same
     * directory and port still answers every schema id it gave out.
     */
    public static ApicurioRegistry startPersistent(Path workDir, LocalCa ca, int port) throws IOException,
            GeneralSecurityException, InterruptedException {
        Files.createDirectories(workDir.resolve("db"));
        // WRITE_DELAY=0: H2 otherwise writes commits up to 500 ms later, and a SIGKILL in that time
        // loses a schema whose id a client already uses; the next registration then reuses the id.
        return start(workDir, ca, port, List.of(
                "-Dapicurio.datasource.url=jdbc:h2:file:" + workDir.resolve("db").resolve("registry").toAbsolutePath()
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"));
    }

    private static ApicurioRegistry start(Path workDir, LocalCa ca, int port, List<String> extraProperties)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path home = install();
        Path java = Jdks.java(21).orElseThrow(() -> new IOException("Apicurio Registry 3 needs Java 21 or later and "
                + "none was found (set SRRRS_JAVA21_HOME, or install a JDK under /usr/lib/jvm)"));
        Files.createDirectories(workDir);
        LocalCa.ServerIdentity id = ca.server("registry", List.of("localhost", "127.0.0.1"));
        Path log = workDir.resolve("registry.log");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms64m", "-Xmx512m",
                "-XX:TieredStopAtLevel=1", // starts faster; the registry is not our bottleneck
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.insecure-requests=disabled",
                "-Dquarkus.http.port=0",
                "-Dquarkus.http.ssl-port=" + port,
                "-Dquarkus.http.ssl.protocols=TLSv1.3",
                "-Dquarkus.http.ssl.certificate.files=" + id.certPem(),
                "-Dquarkus.http.ssl.certificate.key-files=" + id.keyPem(),
                // The management interface (health, metrics) is fixed on at build time: keep it on
                // loopback and on a free port, not Quarkus' default 0.0.0.0:9000.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + FreePorts.next()));
        command.addAll(extraProperties);
        command.addAll(List.of("-jar", home.resolve("quarkus-run.jar").toString()));
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                // A persistent registry is restarted on its directory: keep the earlier runs' log.
                .redirectOutput(extraProperties.isEmpty() ? ProcessBuilder.Redirect.to(log.toFile())
                        : ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
        // A registry must not outlive the JVM that started it (a SIGKILL aside).
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "srrrs-registry-stop"));
        try {
            registry.awaitReady(ca, Duration.ofSeconds(90));
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** {@code https://127.0.0.1:<port>/apis/ccompat/v7}: the Confluent-compatible API. */
    public String url() {
        return "https://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crashed registry. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: a registry that hangs (accepts connections, answers nothing) but keeps its state. */
    public void suspend() throws IOException, InterruptedException {
        Signals.send("STOP", process.pid());
    }

    /** SIGCONT after {@link #suspend}. */
    public void resume() throws IOException, InterruptedException {
        Signals.send("CONT", process.pid());
    }

    private void awaitReady(LocalCa ca, Duration timeout) throws IOException, GeneralSecurityException,
            InterruptedException {
        SSLContext ssl = Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).sslParameters(Tls.onlyTls13(ssl))
                .connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Apicurio Registry exited with " + process.exitValue() + "; " + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IOException("Apicurio Registry did not answer within " + timeout + "; " + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "last log lines (" + log + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
                    lines.size()));
        } catch (IOException e) {
            return "no log at " + log;
        }
    }

    /** Unpacks the distribution once into ~/.cache/srrrs/ and returns its directory. */
    static synchronized Path install() throws IOException, InterruptedException {
        Properties props = BuildProperties.load();
        String version = props.getProperty("apicurio.version");
        Path archive = Path.of(props.getProperty("apicurio.archive"));
        Path cache = Path.of(System.getProperty("srrrs.cache.dir",
                System.getProperty("user.home") + "/.cache/srrrs"));
        Path home = cache.resolve("apicurio-registry-app-" + version);
        if (Files.exists(home.resolve("quarkus-run.jar"))) {
            return home;
        }
        if (!Files.isRegularFile(archive)) {
            throw new IOException("the Apicurio Registry distribution is not in the local Maven repository (" + archive
                    + "); build the project first (mvn -pl embedded -am install)");
        }
        Files.createDirectories(cache);
        Path tmp = Files.createTempDirectory(cache, "apicurio-");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes());
        if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
            throw new IOException("cannot unpack " + archive + ": " + out);
        }
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
        return home;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
