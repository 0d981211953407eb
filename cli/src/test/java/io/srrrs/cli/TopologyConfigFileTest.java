package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/encryptor publish|keys} did, {@code srrrs} does with the topology's own
 * properties file: {@code keys} on its local keystore, and {@code publish}'s one-source options
 * checked before anything is sent.
 */
class TopologyConfigFileTest {

    @TempDir
    Path dir;

    private Path topologyFile() throws Exception {
        Path file = dir.resolve("my.properties");
        Files.writeString(file, String.join("\n", "bootstrap.servers=127.0.0.1:1", "schema.registry.url=https://127.0.0.1:1",
                "kms.type=local", "kms.local.keystore=" + dir.resolve("keks.p12"), "kms.local.password=pw",
                "srrrs.kek.default=orders", ""));
        return file;
    }

    @Test
    void theTopologysEnvironmentOverridesApplyToTheFile() throws Exception {
        Path config = topologyFile();
        CliConfig loaded = CliConfig.load(config, Map.of("SRRRS_KMS_LOCAL_PASSWORD", "from-env",
                "SRRRS_STORE_URL", "https://ignored.example", "OTHER", "x"));
        assertThat(loaded.get("kms.local.password")).isEqualTo("from-env");
        assertThat(loaded.get("srrrs.kek.default")).isEqualTo("orders");
        // Only the topology's keys are overridable, as for bin/encryptor run.
        assertThat(loaded.get(CliConfig.STORE_URL)).isNull();
        assertThat(CliConfig.load(config, Map.of()).get("kms.local.password")).isEqualTo("pw");
    }

    @Test
    void keysWorkOnTheTopologysKeystore() throws Exception {
        Path config = topologyFile();
        CliHelpTest.Run created = CliHelpTest.run("keys", "create", "orders", "--config", config.toString());
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("orders").contains("v1");
        CliHelpTest.Run rotated = CliHelpTest.run("keys", "rotate", "orders", "--config", config.toString());
        assertThat(rotated.out()).contains("v2");
        CliHelpTest.Run listed = CliHelpTest.run("keys", "list", "--config", config.toString());
        assertThat(listed.code()).isZero();
        assertThat(listed.out()).contains("orders").contains("v2");
        assertThat(Files.exists(dir.resolve("keks.p12"))).isTrue();
    }

    @Test
    void publishNamesWhatAOneSourceReferenceNeeds() throws Exception {
        String config = topologyFile().toString();
        CliHelpTest.Run noKey = CliHelpTest.run("publish", "--config", config, "--bucket", "b", "--uri", "https://x/y");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("--uri and --text need --key");
        Path a = Files.writeString(dir.resolve("a.txt"), "a");
        CliHelpTest.Run both = CliHelpTest.run("publish", "--config", config, "--bucket", "b", "--text", "t", "--key", "k",
                a.toString());
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("give PATHs, --uri or --text, one of them");
        CliHelpTest.Run nothing = CliHelpTest.run("publish", "--config", config, "--bucket", "b");
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.err()).contains("nothing to publish");
        Files.writeString(dir.resolve("b.txt"), "b");
        CliHelpTest.Run twoWithKey = CliHelpTest.run("publish", "--config", config, "--bucket", "b", "--key", "k",
                dir.toString());
        assertThat(twoWithKey.code()).isEqualTo(1);
        assertThat(twoWithKey.err()).contains("--key and --id name one object");
    }
}
