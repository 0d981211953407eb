package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.ObjectIdentity;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/encryptor sse-c-keypair: a private key only its owner reads, and the public key the topology needs. */
class SseCKeyPairToolTest {

    @TempDir
    Path dir;

    @Test
    void writesThePrivateHalfOwnerOnlyAndPrintsTheMatchingPublicHalf() throws Exception {
        Path out = dir.resolve("sink-sse-c.key");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            ReferenceTool.main(new String[] {"sse-c-keypair", "--out", out.toString()});
        } finally {
            System.setOut(original);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        String privateKey = Files.readString(out).strip();
        String line = printed.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("topology: " + TopologyConfig.SSE_C_SINK_PUBLIC_KEY + "=")).findFirst().orElseThrow();
        String publicKey = line.substring(line.indexOf('=') + 1);
        assertThat(publicKey).isEqualTo(SseCKeySealer.publicKeyOf(privateKey));
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain(privateKey);

        // What the topology seals with the printed key, the sink opens with the file's.
        ObjectIdentity id = new ObjectIdentity("vault", "a.bin");
        byte[] key = new byte[32];
        key[0] = 7;
        assertThat(SseCKeySealer.open(privateKey, SseCKeySealer.seal(publicKey, key, id), id)).isEqualTo(key);
    }
}
