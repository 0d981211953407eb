package io.srrrs.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.OutputFormat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class E2eOptionsTest {

    @Test
    void defaultsAreTheFullForm() {
        E2eOptions o = E2eOptions.parse(new String[0]);
        assertThat(o.small()).isEqualTo(5000);
        assertThat(o.medium()).isEqualTo(200);
        assertThat(o.largeBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(o.heap()).isEqualTo("256m");
        assertThat(o.instances()).isEqualTo(1);
        assertThat(o.tasks()).isEqualTo(1);
        assertThat(o.skipLarge()).isFalse();
        assertThat(o.formats()).containsExactly(OutputFormat.SRRRS_V1, OutputFormat.S3EC_V3, OutputFormat.S3EC_V2);
        assertThat(o.s3ecFormats()).containsExactly(OutputFormat.S3EC_V3, OutputFormat.S3EC_V2);
    }

    @Test
    void quickKeepsEveryFormat() {
        assertThat(E2eOptions.parse(new String[] {"--quick"}).formats()).hasSize(3);
    }

    @Test
    void formatsAreParsedInOrderSrrrsV1First() {
        assertThat(E2eOptions.parse(new String[] {"--formats", "s3ec-v2, srrrs-v1"}).formats())
                .containsExactly(OutputFormat.SRRRS_V1, OutputFormat.S3EC_V2);
        E2eOptions v1Only = E2eOptions.parse(new String[] {"--quick", "--formats", "srrrs-v1"});
        assertThat(v1Only.formats()).isEqualTo(List.of(OutputFormat.SRRRS_V1));
        assertThat(v1Only.s3ecFormats()).isEmpty();
    }

    @Test
    void refusesAnUnknownRepeatedOrV1LessFormatList() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--formats", "srrrs-v1,s3ec-v9"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--formats").hasMessageContaining("unknown output format 's3ec-v9'")
                .hasMessageContaining("known: srrrs-v1,s3ec-v3,s3ec-v2");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--formats", "srrrs-v1,s3ec-v3,s3ec-v3"}))
                .hasMessageContaining("s3ec-v3 twice");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--formats", "s3ec-v3"}))
                .hasMessageContaining("must include srrrs-v1");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--formats", ""}))
                .hasMessageContaining("unknown output format ''");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--formats"})).hasMessageContaining("needs a value");
    }

    @Test
    void quickShrinksEverythingAndLaterOptionsStillWin() {
        E2eOptions o = E2eOptions.parse(new String[] {"--quick", "--small", "50"});
        assertThat(o.small()).isEqualTo(50);
        assertThat(o.medium()).isEqualTo(10);
        assertThat(o.largeBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(o.loadSeconds()).isEqualTo(10);
    }

    @Test
    void configPassesThroughUntouchedKeysIncluded() {
        E2eOptions o = E2eOptions.parse(new String[] {"--sink-config", "s3.upload.concurrency=4",
            "--topology-config", "srrrs.transaction.slice.bytes=67108864", "--sink-config", "a.b=x=y",
            "--tasks", "3", "--heap", "512m", "--skip-large"});
        assertThat(o.sinkConfig()).isEqualTo(Map.of("s3.upload.concurrency", "4", "a.b", "x=y"));
        assertThat(o.topologyConfig()).isEqualTo(Map.of("srrrs.transaction.slice.bytes", "67108864"));
        assertThat(o.tasks()).isEqualTo(3);
        assertThat(o.heap()).isEqualTo("512m");
        assertThat(o.skipLarge()).isTrue();
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--tasks", "0"})).hasMessageContaining("--tasks");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--heap", "-Xmx1g"})).hasMessageContaining("--heap");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--sink-config", "novalue"})).hasMessageContaining("k=v");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--small"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--bogus"})).hasMessageContaining("unknown option");
    }
}
