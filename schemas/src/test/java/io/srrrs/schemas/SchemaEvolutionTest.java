package io.srrrs.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaEvolutionTest {

    static Schema released(String version, String name) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        // Types used by other schemas are parsed first, as the build does.
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/released/" + version + "/PayloadReference.avsc")) {
            parser.parse(in);
        }
        if (name.equals("PayloadReference")) {
            return parser.getTypes().get("io.srrrs.schemas.PayloadReference");
        }
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/released/" + version + "/" + name + ".avsc")) {
            return parser.parse(in);
        }
    }

    static Schema current(String name) {
        return switch (name) {
            case "PayloadReference" -> PayloadReference.getClassSchema();
            case "EncryptedChunk" -> EncryptedChunk.getClassSchema();
            case "RejectedReference" -> RejectedReference.getClassSchema();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"PayloadReference", "EncryptedChunk", "RejectedReference"})
    void currentSchemasReadEverythingTheReleasedOnesWrote(String name) throws IOException {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current(name), released("v1", name));
        assertThat(result.getType()).as(result.getDescription())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PayloadReference", "EncryptedChunk", "RejectedReference"})
    void everyRecordAndFieldIsDocumented(String name) {
        List<String> undocumented = new ArrayList<>();
        collect(current(name), undocumented, new ArrayList<>());
        assertThat(undocumented).isEmpty();
    }

    private static void collect(Schema s, List<String> undocumented, List<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (seen.contains(s.getFullName())) {
                    return;
                }
                seen.add(s.getFullName());
                if (s.getDoc() == null || s.getDoc().isBlank()) {
                    undocumented.add(s.getFullName());
                }
                for (Schema.Field f : s.getFields()) {
                    if (f.doc() == null || f.doc().isBlank()) {
                        undocumented.add(s.getFullName() + "." + f.name());
                    }
                    collect(f.schema(), undocumented, seen);
                }
            }
            case UNION -> s.getTypes().forEach(t -> collect(t, undocumented, seen));
            case MAP -> collect(s.getValueType(), undocumented, seen);
            case ARRAY -> collect(s.getElementType(), undocumented, seen);
            default -> { }
        }
    }
}
