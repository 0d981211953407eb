package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every vector of docs/vectors/format-v1.json through {@link IndependentReader}, the reader
 * written from docs/FORMAT.md alone: the positive ones open to their plaintext and SSE-C key, the
 * negative ones are refused with the error name the file gives.
 */
class IndependentReaderTest {

    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> opensEveryVectorFromTheSpecificationAlone() throws Exception {
        JsonNode root = FormatVectorsTest.vectors();
        IndependentReader.Keystore keystore = keystore(root);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : root.get("vectors")) {
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                JsonNode in = v.get("inputs");
                IndependentReader reader = new IndependentReader();
                byte[] plaintext = reader.read(HEX.parseHex(v.get("outputs").get("object").asText()),
                        map(v.get("outputs").get("metadata")), keystore, new IndependentReader.Reader("object", "local",
                                in.get("bucket").asText(), in.get("key").asText(), List.of("vectors"), null, 0, 0));
                assertThat(plaintext).isEqualTo(HEX.parseHex(in.get("plaintext").asText()));
                assertThat(HEX.formatHex(reader.sseCKey)).isEqualTo(v.get("derived").get("sseCKey").asText());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> namesEveryNegativeVectorsFailureFromTheSpecificationAlone() throws Exception {
        JsonNode root = FormatVectorsTest.vectors();
        IndependentReader.Keystore keystore = keystore(root);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : root.get("negativeVectors")) {
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                assertThat(read(v, keystore)).as(v.get("derivation").asText()).isEqualTo(v.get("expected").asText());
            }));
        }
        return tests.stream();
    }

    private static String read(JsonNode v, IndependentReader.Keystore keystore) {
        JsonNode r = v.get("reader");
        List<String> allowed = new ArrayList<>();
        r.get("allowedKeks").forEach(a -> allowed.add(a.asText()));
        JsonNode range = r.get("range");
        IndependentReader.Reader reader = new IndependentReader.Reader(r.get("mode").asText(), r.get("kms").asText(),
                r.get("bucket").asText(), r.get("key").asText(), allowed,
                r.has("dek") ? HEX.parseHex(r.get("dek").asText()) : null,
                range == null ? 0 : range.get("from").asLong(), range == null ? 0 : range.get("to").asLong());
        try {
            byte[] plaintext = new IndependentReader().read(HEX.parseHex(v.get("object").asText()), map(v.get("metadata")),
                    keystore, reader);
            if (v.has("plaintext")) {
                assertThat(HEX.formatHex(plaintext)).isEqualTo(v.get("plaintext").asText());
            }
            return "NONE";
        } catch (IndependentReader.Refused e) {
            return e.name;
        }
    }

    private static IndependentReader.Keystore keystore(JsonNode root) {
        JsonNode k = root.get("localKek");
        return new IndependentReader.Keystore(k.get("name").asText(), k.get("version").asInt(),
                HEX.parseHex(k.get("key").asText()));
    }

    private static Map<String, String> map(JsonNode metadata) {
        Map<String, String> m = new TreeMap<>();
        metadata.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
