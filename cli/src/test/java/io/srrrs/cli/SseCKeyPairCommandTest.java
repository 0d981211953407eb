package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.topology.TopologyConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** srrrs sse-c-keypair: a private key only its owner reads, and the public key the topology needs. */
class SseCKeyPairCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesThePrivateHalfOwnerOnlyAndPrintsTheMatchingPublicHalf() throws Exception {
        Path out = dir.resolve("sink-sse-c.key");
        CliHelpTest.Run r = CliHelpTest.run("sse-c-keypair", "--out", out.toString());
        assertThat(r.code()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        String privateKey = Files.readString(out).strip();
        String line = r.out().lines()
                .filter(l -> l.startsWith("topology: " + TopologyConfig.SSE_C_SINK_PUBLIC_KEY + "=")).findFirst().orElseThrow();
        String publicKey = line.substring(line.indexOf('=') + 1);
        assertThat(publicKey).isEqualTo(SseCKeySealer.publicKeyOf(privateKey));
        assertThat(r.out()).doesNotContain(privateKey);
        assertThat(r.err()).doesNotContain(privateKey);

        // What the topology seals with the printed key, the sink opens with the file's.
        ObjectIdentity id = new ObjectIdentity("vault", "a.bin");
        byte[] key = new byte[32];
        key[0] = 7;
        assertThat(SseCKeySealer.open(privateKey, SseCKeySealer.seal(publicKey, key, id), id)).isEqualTo(key);
    }

    @Test
    void neverOverwritesAPrivateKey() throws Exception {
        Path out = dir.resolve("sink-sse-c.key");
        Files.writeString(out, "the sink's key\n");
        CliHelpTest.Run r = CliHelpTest.run("sse-c-keypair", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("exists; not overwriting");
        assertThat(Files.readString(out)).isEqualTo("the sink's key\n");
    }
}
