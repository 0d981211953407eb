package io.srrrs.cli;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.topology.TopologyConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code srrrs sse-c-keypair}: a key pair for SSE-C, the private half in {@code --out} (owner-only),
 * for the sink's {@code srrrs.sse-c.private.key.file}; the public half printed, for the topology's
 * {@code srrrs.sse-c.sink.public.key}. The private half is never printed.
 */
@Command(name = "sse-c-keypair", mixinStandardHelpOptions = true,
        description = {"Make the sink's SSE-C key pair.",
                "The private half goes to FILE, owner-only; the connector reads it through its setting "
                        + "srrrs.sse-c.private.key.file.",
                "The public half is printed, for the topology's " + TopologyConfig.SSE_C_SINK_PUBLIC_KEY + ".",
                "It never overwrites FILE."})
final class SseCKeyPairCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the private half goes (must not exist).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new CliException(out + " exists; not overwriting a sink's private key");
        }
        SseCKeySealer.KeyPair pair = SseCKeySealer.generateKeyPair();
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(out, pair.privateKeyBase64() + "\n");
        System.out.println("sink private key written to " + out + " (give the connector "
                + "srrrs.sse-c.private.key.file=" + out.toAbsolutePath() + ")");
        System.out.println("topology: " + TopologyConfig.SSE_C_SINK_PUBLIC_KEY + "=" + pair.publicKeyBase64());
        return 0;
    }
}
