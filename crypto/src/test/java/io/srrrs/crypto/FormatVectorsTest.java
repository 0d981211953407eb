package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** docs/vectors/format-v1.json against the writer and the reader. */
class FormatVectorsTest {

    static Path vectorFile() {
        return Path.of(System.getProperty("srrrs.docs", "../docs"), "vectors", "format-v1.json");
    }

    static JsonNode vectors() throws IOException {
        return new ObjectMapper().readTree(Files.readString(vectorFile()));
    }

    @Test
    void theFileHoldsEveryDocumentedCase() throws IOException {
        JsonNode root = vectors();
        assertThat(root.get("vectors")).hasSize(FormatVectors.CASES.size());
        for (int i = 0; i < FormatVectors.CASES.size(); i++) {
            assertThat(root.get("vectors").get(i).get("name").asText()).isEqualTo(FormatVectors.CASES.get(i).name());
        }
    }

    @TestFactory
    Stream<DynamicTest> writerProducesExactlyTheVectorBytes() throws IOException {
        JsonNode root = vectors();
        ObjectMapper json = FormatVectors.mapper();
        return Stream.iterate(0, i -> i < FormatVectors.CASES.size(), i -> i + 1).map(i -> DynamicTest.dynamicTest(
                FormatVectors.CASES.get(i).name(), () -> {
                    JsonNode expected = root.get("vectors").get(i);
                    JsonNode actual = FormatVectors.build(i, FormatVectors.CASES.get(i), json);
                    assertThat(actual.get("derived")).isEqualTo(expected.get("derived"));
                    assertThat(actual.get("outputs").get("header")).isEqualTo(expected.get("outputs").get("header"));
                    assertThat(actual.get("outputs").get("object")).isEqualTo(expected.get("outputs").get("object"));
                    assertThat(actual.get("outputs").get("metadata")).isEqualTo(expected.get("outputs").get("metadata"));
                    assertThat(actual).isEqualTo(expected);
                }));
    }

    @TestFactory
    Stream<DynamicTest> readerOpensEveryVector() throws IOException {
        JsonNode root = vectors();
        byte[] kek = FormatVectors.HEX.parseHex(root.get("localKek").get("key").asText());
        return Stream.of(root.get("vectors")).flatMap(a -> {
            java.util.List<JsonNode> l = new java.util.ArrayList<>();
            a.forEach(l::add);
            return l.stream();
        }).map(v -> DynamicTest.dynamicTest(v.get("name").asText(), () -> {
            JsonNode in = v.get("inputs");
            Map<String, String> metadataMap = new LinkedHashMap<>();
            v.get("outputs").get("metadata").properties().forEach(e -> metadataMap.put(e.getKey(), e.getValue().asText()));
            ObjectMetadata metadata = ObjectMetadata.fromMap(metadataMap);
            Map<String, String> ctx = new LinkedHashMap<>();
            in.get("context").properties().forEach(e -> ctx.put(e.getKey(), e.getValue().asText()));
            assertThat(metadata.context()).isEqualTo(EncryptionContext.of(ctx));

            // The DEK comes back out of the wrapped blob in the metadata (docs/FORMAT.md §7.1).
            byte[] object = FormatVectors.HEX.parseHex(v.get("outputs").get("object").asText());
            try (DataKey dek = LocalKeystoreKms.unwrapBlob(metadata.wrappedDek().kek().value(),
                    metadata.wrappedDek().blob(), kek, metadata.context())) {
                assertThat(dek.material()).isEqualTo(FormatVectors.HEX.parseHex(in.get("dek").asText()));
                ObjectIdentity identity = new ObjectIdentity(in.get("bucket").asText(), in.get("key").asText());
                try (ObjectDecryptor dec = ObjectDecryptor.open(metadata.header(), dek, identity, metadata.context())) {
                    byte[] plaintext = dec.decrypt(new ByteArrayInputStream(object)).readAllBytes();
                    assertThat(plaintext).isEqualTo(FormatVectors.HEX.parseHex(in.get("plaintext").asText()));
                    assertThat(dec.plaintextLength(object.length)).isEqualTo(plaintext.length);
                }
            }
            assertThat(FormatHeader.parse(java.util.Arrays.copyOf(object, 130))).isEqualTo(metadata.header());
        }));
    }
}
