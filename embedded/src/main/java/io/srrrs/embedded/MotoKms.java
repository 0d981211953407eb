package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The AWS KMS API for tests: {@code moto_server} (moto, Python) on a loopback port, serving HTTPS
 * with a certificate from our {@link LocalCa}. It answers GenerateDataKey, Decrypt, ReEncrypt,
 * DescribeKey, CreateKey and CreateAlias for real (AES-GCM under its own master keys, encryption
 * context bound); it does not enforce key state (a disabled key still decrypts) and accepts any
 * credentials.
 */
public final class MotoKms implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private MotoKms(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The {@code moto_server} executable on PATH, if installed. */
    public static Optional<Path> executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "moto_server");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static MotoKms start(Path dir, LocalCa ca) throws IOException, InterruptedException, GeneralSecurityException {
        Path exe = executable().orElseThrow(() -> new IOException("moto_server is not on PATH (pip install 'moto[server]')"));
        Files.createDirectories(dir);
        LocalCa.ServerIdentity id = ca.server("moto-kms", List.of("localhost", "127.0.0.1"));
        int port = FreePorts.next();
        Path log = dir.resolve("moto.log");
        Process p = new ProcessBuilder(exe.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port),
                "-c", id.certPem().toString(), "-k", id.keyPem().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoKms moto = new MotoKms(p, port, log);
        Runtime.getRuntime().addShutdownHook(new Thread(moto::close, "srrrs-moto-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("moto_server exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return moto;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        moto.close();
        throw new IOException("moto_server did not listen within 30 s; see " + log);
    }

    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port);
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /**
     * A KMS outage without losing its keys: SIGSTOP. moto keeps its keys in memory only, so a
     * kill and restart would shred every KEK (and every object under it); a stopped process keeps
     * them, while its port still accepts connections that are never answered, as a hung KMS.
     */
    public void suspend() throws IOException, InterruptedException {
        Signals.send("STOP", process.pid());
    }

    /** SIGCONT: the KMS answers again, with every key it had. */
    public void resume() throws IOException, InterruptedException {
        Signals.send("CONT", process.pid());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
