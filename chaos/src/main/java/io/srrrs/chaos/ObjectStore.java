package io.srrrs.chaos;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.CephRgw;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.embedded.FreePorts;
import io.srrrs.store.StoreConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The store under test, which the suite can take away and bring back with its data: Ceph RGW
 * (SSE-C enforced; an outage kills radosgw while the memstore OSD keeps the objects), or, where
 * the Ceph packages are missing, S3Proxy over a directory (no SSE-C, so no SSE-C objects).
 */
sealed interface ObjectStore extends AutoCloseable {

    String kind();

    StoreConfig config();

    boolean enforcesSseC();

    /** The outage: the server is gone, clients get connection refused. */
    void stop() throws Exception;

    /** Back, with every object it held. */
    void start() throws Exception;

    /** Files holding the bytes the store really keeps, exported into {@code out} where needed. */
    List<Path> rawFiles(Path out) throws Exception;

    /** Whether {@link #start} will start Ceph RGW (its packages are installed). */
    static boolean cephAvailable() {
        return Stream.of("radosgw", "ceph-mon", "ceph-osd", "rados").allMatch(ObjectStore::onPath);
    }

    static ObjectStore start(Path dir, LocalCa ca, RunLog log) throws Exception {
        if (cephAvailable()) {
            return new Rgw(CephRgw.start(dir.resolve("rgw"), ca), ca);
        }
        log.info("Ceph packages missing (bin/install-test-deps installs them): S3Proxy instead, and no SSE-C objects");
        return S3Proxy.first(dir.resolve("s3proxy"), ca);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Ceph RGW through bin/ceph-rgw. */
    final class Rgw implements ObjectStore {
        private final CephRgw rgw;
        private final LocalCa ca;

        Rgw(CephRgw rgw, LocalCa ca) {
            this.rgw = rgw;
            this.ca = ca;
        }

        public String kind() {
            return "ceph-rgw";
        }

        public StoreConfig config() {
            return StoreConfig.of(rgw.httpsEndpoint(), rgw.accessKey(), rgw.secretKey(), ca.truststore());
        }

        public boolean enforcesSseC() {
            return true;
        }

        public void stop() throws Exception {
            rgw.stopGateway();
        }

        public void start() throws Exception {
            rgw.startGateway();
        }

        public List<Path> rawFiles(Path out) throws Exception {
            Files.createDirectories(out);
            return List.of(rgw.exportRaw(out.resolve("rados-export.bin")));
        }

        public void close() throws Exception {
            rgw.close();
        }
    }

    /** S3Proxy in this JVM, restarted on the same ports and directory. */
    final class S3Proxy implements ObjectStore {
        private final Path dir;
        private final LocalCa ca;
        private final int port;
        private EmbeddedS3 s3;

        private S3Proxy(Path dir, LocalCa ca, int port) {
            this.dir = dir;
            this.ca = ca;
            this.port = port;
        }

        static S3Proxy first(Path dir, LocalCa ca) throws Exception {
            S3Proxy s = new S3Proxy(dir, ca, FreePorts.next());
            s.start();
            return s;
        }

        public String kind() {
            return "s3proxy";
        }

        public StoreConfig config() {
            return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
        }

        public boolean enforcesSseC() {
            return false;
        }

        public synchronized void stop() throws Exception {
            s3.close();
        }

        public synchronized void start() throws Exception {
            s3 = EmbeddedS3.start(dir, ca, port, 0);
        }

        public List<Path> rawFiles(Path out) throws IOException {
            try (Stream<Path> files = Files.walk(s3.dataDir())) {
                return files.filter(Files::isRegularFile).toList();
            }
        }

        public void close() throws Exception {
            s3.close();
        }
    }
}
