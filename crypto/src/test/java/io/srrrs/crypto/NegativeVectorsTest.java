package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The negative vectors of docs/vectors/format-v1.json against the production reader: the same
 * pieces, in the same order, as a client read (docs/FORMAT.md §11): {@link ObjectMetadata#fromMap},
 * the length rule, {@link ObjectDecryptor#open(ObjectMetadata, ObjectIdentity, Kms, KekAllowList)},
 * then the body or a range.
 */
class NegativeVectorsTest {

    static List<JsonNode> negatives() throws IOException {
        List<JsonNode> l = new ArrayList<>();
        FormatVectorsTest.vectors().get("negativeVectors").forEach(l::add);
        return l;
    }

    @Test
    void theFileHoldsExactlyWhatTheGeneratorWrites() throws IOException {
        // Through text, as the file is: a built LongNode and a parsed IntNode of one number differ.
        var json = FormatVectors.mapper();
        JsonNode expected = json.readTree(json.writeValueAsString(FormatVectors.buildAll(json).get("negativeVectors")));
        assertThat(FormatVectorsTest.vectors().get("negativeVectors")).isEqualTo(expected);
    }

    @Test
    void everyErrorNameHasANegativeVector() throws IOException {
        Set<String> shown = new TreeSet<>();
        for (JsonNode v : negatives()) {
            shown.add(v.get("expected").asText());
        }
        Set<String> names = new TreeSet<>();
        Arrays.stream(Failure.values()).map(Enum::name).forEach(names::add);
        names.removeAll(NegativeVectors.NOT_SHOWN_BY_A_VECTOR);
        assertThat(shown).containsAll(names);
        shown.remove("NONE");
        assertThat(names).containsAll(shown);
    }

    @Test
    void aKekThatIsNotAllowedIsRefusedBeforeAnyUnwrap() throws Exception {
        JsonNode v = negatives().stream().filter(n -> n.get("name").asText().equals("kek-not-allowed")).findFirst()
                .orElseThrow();
        Map<String, String> meta = new LinkedHashMap<>();
        v.get("metadata").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
        int[] unwraps = {0};
        Kms counting = new VectorKeystore() {
            @Override
            public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
                unwraps[0]++;
                return super.unwrap(wrapped, context);
            }
        };
        ObjectIdentity id = new ObjectIdentity("vectors", "dir/multi.bin");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ObjectDecryptor.open(ObjectMetadata.fromMap(meta), id,
                counting, KekAllowList.of(List.of("vectors"), List.of())))
                .isInstanceOf(io.srrrs.crypto.kms.KekNotAllowedException.class).hasMessageContaining("attacker");
        assertThat(unwraps[0]).isZero();
    }

    @TestFactory
    Stream<DynamicTest> theProductionReaderNamesEveryFailure() throws IOException {
        return negatives().stream().map(v -> DynamicTest.dynamicTest(v.get("name").asText(), () -> {
            String got = read(v);
            assertThat(got).as(v.get("derivation").asText()).isEqualTo(v.get("expected").asText());
        }));
    }

    /** The error name the production reader gives, or NONE after checking the plaintext. */
    static String read(JsonNode v) throws IOException {
        JsonNode r = v.get("reader");
        byte[] object = FormatVectors.HEX.parseHex(v.get("object").asText());
        try {
            if (r.get("mode").asText().equals("body")) {
                FormatHeader.read(new ByteArrayInputStream(object));
                return "NONE";
            }
            Map<String, String> meta = new LinkedHashMap<>();
            v.get("metadata").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
            ObjectMetadata m = ObjectMetadata.fromMap(meta);                                   // step 1
            new CiphertextLayout(m.header().segmentSize()).plaintextLength(object.length);     // step 2
            ObjectIdentity id = new ObjectIdentity(r.get("bucket").asText(), r.get("key").asText());
            try (ObjectDecryptor dec = open(m, id, r)) {                                        // steps 3-6
                byte[] plaintext;
                if (r.get("mode").asText().equals("range")) {                                   // step 7
                    long from = r.get("range").get("from").asLong();
                    long to = r.get("range").get("to").asLong();
                    try (InputStream in = dec.decryptRange(CiphertextSource.of(object), from, to - from)) {
                        plaintext = in.readAllBytes();
                    }
                } else {
                    try (InputStream in = dec.decrypt(new ByteArrayInputStream(object))) {
                        plaintext = in.readAllBytes();
                    }
                }
                if (v.has("plaintext")) {
                    assertThat(FormatVectors.HEX.formatHex(plaintext)).isEqualTo(v.get("plaintext").asText());
                }
                return "NONE";
            }
        } catch (CiphertextException e) {
            return e.failure().name();
        } catch (KmsException e) {
            return Failure.of(e).name();
        }
    }

    private static ObjectDecryptor open(ObjectMetadata m, ObjectIdentity id, JsonNode r)
            throws CiphertextException, KmsException {
        if (r.has("dek")) {
            try (DataKey dek = DataKey.copyOf(FormatVectors.HEX.parseHex(r.get("dek").asText()))) {
                return ObjectDecryptor.open(m.header(), dek, id, m.context());
            }
        }
        List<String> allowed = new ArrayList<>();
        r.get("allowedKeks").forEach(a -> allowed.add(a.asText()));
        return ObjectDecryptor.open(m, id, new VectorKeystore(), KekAllowList.of(allowed, List.of()));
    }

    /**
     * The local keystore of the vectors: one KEK, {@code vectors} version 1, whose bytes the file
     * gives. Unwraps exactly as {@link LocalKeystoreKms#unwrap} does, with its public blob functions.
     */
    static class VectorKeystore implements Kms {

        @Override
        public String type() {
            return LocalKeystoreKms.TYPE;
        }

        @Override
        public KekId resolve(String aliasOrId) throws KmsException {
            if (!aliasOrId.equals(FormatVectors.KEK_NAME)) {
                throw new UnknownKeyException("no KEK named '" + aliasOrId + "'");
            }
            return new KekId(aliasOrId);
        }

        @Override
        public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
            if (!wrapped.kms().equals(LocalKeystoreKms.TYPE)) {
                throw new InvalidWrappedKeyException("not a local blob");
            }
            resolve(wrapped.kek().value());
            byte[] blob = wrapped.blob();
            if (LocalKeystoreKms.blobVersion(blob) != FormatVectors.KEK_VERSION) {
                throw new UnknownKeyException("KEK has no such version");
            }
            return LocalKeystoreKms.unwrapBlob(wrapped.kek().value(), blob, FormatVectors.KEK, context);
        }

        @Override
        public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) {
            throw new UnsupportedOperationException("read only");
        }
    }
}
