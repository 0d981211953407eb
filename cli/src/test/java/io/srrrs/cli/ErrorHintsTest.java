package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error the CLI prints says what to do; here the common ones beyond "no configuration". */
class ErrorHintsTest {

    @Test
    void aStoreThatRefusesTheConnectionIsNamedWithItsSetting(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: connections to it are refused
        }
        Path config = dir.resolve("srrrs.properties");
        Files.writeString(config, String.join("\n", "store.url=https://127.0.0.1:" + port, "aws.access.key.id=a",
                "aws.secret.access.key=b", "srrrs.cli.bucket=data", "kms.type=local", ""));
        CliHelpTest.Run r = CliHelpTest.run("ls", "--config", config.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("srrrs ls: ").contains("the object store did not answer")
                .contains("`srrrs status`").contains("check store.url in the configuration");
    }

    @Test
    void aBrokerThatDoesNotAnswerNamesBootstrapServers() {
        String line = ErrorHints.describe(new TimeoutException("Topic srrrs.input not present in metadata after 60000 ms."));
        assertThat(line).startsWith("TimeoutException: Topic srrrs.input not present")
                .contains("the Kafka broker did not answer in time").contains("check bootstrap.servers");
    }

    @Test
    void aCliExceptionIsPrintedAsItIsAndAnUnknownFailureKeepsItsKind() {
        assertThat(ErrorHints.describe(new CliException("no bucket: give --bucket"))).isEqualTo("no bucket: give --bucket");
        assertThat(ErrorHints.describe(new IllegalStateException("odd"))).isEqualTo("IllegalStateException: odd");
    }
}
