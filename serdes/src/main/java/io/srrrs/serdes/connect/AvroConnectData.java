package io.srrrs.serdes.connect;

import io.srrrs.schemas.Schemas;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema.Field;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro ↔ Kafka Connect data for the shapes our schemas use: records, primitives, bytes and fixed
 * (as BYTES), enums (as STRING), maps with string keys, arrays, optional values as
 * {@code ["null", X]} unions, and unions of records (as a struct with one optional field per
 * branch, named after the branch's record name). Anything else is refused with a DataException.
 *
 * <p>Back from Connect, the Avro schema drives: a field the Struct does not have (or has as null
 * where Avro allows none) takes the Avro default, as Avro's own schema resolution does for a
 * record from an older writer; a field without a default that is missing, or a value of another
 * type, is a DataException. Avro's name {@code Schema} is written out in full here, as Connect's
 * {@code Schema} is imported.
 */
public final class AvroConnectData {

    /** Schema name of the struct that stands for a union of records. */
    public static final String UNION = "io.srrrs.connect.Union";
    private static final String FIXED_SIZE = "io.srrrs.connect.fixed.size";
    private static final String AVRO_NAME = "io.srrrs.connect.avro.name";

    private AvroConnectData() {
    }

    public static Schema toConnectSchema(org.apache.avro.Schema avro) {
        return toConnectSchema(avro, false, avro.getDoc());
    }

    private static Schema toConnectSchema(org.apache.avro.Schema avro, boolean optional, String doc) {
        SchemaBuilder builder = switch (avro.getType()) {
            case RECORD -> {
                SchemaBuilder struct = SchemaBuilder.struct().name(avro.getFullName());
                for (Field f : avro.getFields()) {
                    struct.field(f.name(), toConnectSchema(f.schema(), false, f.doc()));
                }
                yield struct;
            }
            case STRING -> SchemaBuilder.string();
            case ENUM -> SchemaBuilder.string().parameter(AVRO_NAME, avro.getFullName());
            case BYTES -> SchemaBuilder.bytes();
            case FIXED -> SchemaBuilder.bytes().name(avro.getFullName())
                    .parameter(FIXED_SIZE, Integer.toString(avro.getFixedSize()));
            case INT -> SchemaBuilder.int32();
            case LONG -> SchemaBuilder.int64();
            case FLOAT -> SchemaBuilder.float32();
            case DOUBLE -> SchemaBuilder.float64();
            case BOOLEAN -> SchemaBuilder.bool();
            case MAP -> SchemaBuilder.map(Schema.STRING_SCHEMA, toConnectSchema(avro.getValueType(), false, null));
            case ARRAY -> SchemaBuilder.array(toConnectSchema(avro.getElementType(), false, null));
            case UNION -> unionSchema(avro, doc);
            case NULL -> throw new DataException("a lone null type has no Connect equivalent");
        };
        if (optional) {
            builder.optional();
        }
        if (doc != null && builder.doc() == null) {
            builder.doc(doc);
        }
        return builder.build();
    }

    private static SchemaBuilder unionSchema(org.apache.avro.Schema avro, String doc) {
        org.apache.avro.Schema single = nullableBranch(avro);
        if (single != null) {
            return copy(toConnectSchema(single, true, doc));
        }
        SchemaBuilder union = SchemaBuilder.struct().name(UNION);
        for (org.apache.avro.Schema branch : avro.getTypes()) {
            if (branch.getType() != org.apache.avro.Schema.Type.RECORD) {
                throw new DataException("unions are supported as [null, X] or of records only: " + avro);
            }
            union.field(branch.getName(), toConnectSchema(branch, true, branch.getDoc()));
        }
        return union;
    }

    private static SchemaBuilder copy(Schema s) {
        SchemaBuilder b = switch (s.type()) {
            case STRUCT -> {
                SchemaBuilder st = SchemaBuilder.struct();
                s.fields().forEach(f -> st.field(f.name(), f.schema()));
                yield st;
            }
            case MAP -> SchemaBuilder.map(s.keySchema(), s.valueSchema());
            case ARRAY -> SchemaBuilder.array(s.valueSchema());
            default -> new SchemaBuilder(s.type());
        };
        if (s.name() != null) {
            b.name(s.name());
        }
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        if (s.doc() != null) {
            b.doc(s.doc());
        }
        return s.isOptional() ? b.optional() : b;
    }

    private static org.apache.avro.Schema nullableBranch(org.apache.avro.Schema union) {
        List<org.apache.avro.Schema> types = union.getTypes();
        if (types.size() != 2) {
            return null;
        }
        if (types.get(0).getType() == org.apache.avro.Schema.Type.NULL) {
            return types.get(1);
        }
        return types.get(1).getType() == org.apache.avro.Schema.Type.NULL ? types.get(0) : null;
    }

    /** Converts an Avro datum (generic or specific) of schema {@code avro} to a Connect value of {@code connect}. */
    public static Object toConnectValue(org.apache.avro.Schema avro, Schema connect, Object value) {
        if (value == null) {
            return null;
        }
        return switch (avro.getType()) {
            case RECORD -> {
                GenericRecord record = (GenericRecord) value;
                Struct struct = new Struct(connect);
                for (Field f : avro.getFields()) {
                    struct.put(f.name(), toConnectValue(f.schema(), connect.field(f.name()).schema(), record.get(f.pos())));
                }
                yield struct;
            }
            case STRING, ENUM -> value.toString();
            case BYTES -> {
                ByteBuffer b = ((ByteBuffer) value).duplicate();
                byte[] out = new byte[b.remaining()];
                b.get(out);
                yield out;
            }
            case FIXED -> ((GenericFixed) value).bytes().clone();
            case INT, LONG, FLOAT, DOUBLE, BOOLEAN -> value;
            case MAP -> convertValues(value, v -> toConnectValue(avro.getValueType(), connect.valueSchema(), v));
            case ARRAY -> convertElements(value, e -> toConnectValue(avro.getElementType(), connect.valueSchema(), e));
            case UNION -> unionToConnect(avro, connect, value);
            case NULL -> throw new DataException("cannot convert Avro " + avro.getType() + " to Connect data");
        };
    }

    private static Object unionToConnect(org.apache.avro.Schema avro, Schema connect, Object value) {
        org.apache.avro.Schema single = nullableBranch(avro);
        if (single != null) {
            return toConnectValue(single, connect, value);
        }
        org.apache.avro.Schema branch = avro.getTypes().get(GenericData.get().resolveUnion(avro, value));
        Struct union = new Struct(connect);
        union.put(branch.getName(), toConnectValue(branch, connect.field(branch.getName()).schema(), value));
        return union;
    }

    /** Converts a Connect value back to a generic Avro datum of schema {@code avro}. */
    public static Object toAvroValue(org.apache.avro.Schema avro, Object value) {
        return value == null ? null : toAvro(GenericData.get(), avro, value);
    }

    /**
     * Reads a Connect Struct as the generated Avro class {@code type}, its class schema the reader
     * schema: absent fields take their defaults; bytes are wrapped, not copied.
     *
     * @throws DataException a field without a default is missing, or a value is of another type
     */
    public static <T extends SpecificRecord> T toSpecificRecord(Struct value, Class<T> type) {
        Schemas.trustGeneratedClasses(); // Avro instantiates only trusted generated classes
        SpecificData model = SpecificData.get();
        Object record = toAvro(model, model.getSchema(type), value);
        if (!type.isInstance(record)) {
            throw new DataException("no generated class " + type.getName() + " for " + value.schema().name());
        }
        return type.cast(record);
    }

    /** One non-null Connect value as an Avro datum of {@code model}'s representation. */
    private static Object toAvro(GenericData model, org.apache.avro.Schema avro, Object value) {
        return switch (avro.getType()) {
            case RECORD -> toRecord(model, avro, expect(Struct.class, value, avro));
            case STRING -> expect(String.class, value, avro);
            case ENUM -> model.createEnum(expect(String.class, value, avro), avro);
            case BYTES -> value instanceof ByteBuffer b ? b : ByteBuffer.wrap(expect(byte[].class, value, avro));
            case FIXED -> model.createFixed(null, expect(byte[].class, value, avro), avro);
            case INT -> expect(Integer.class, value, avro);
            case LONG -> expect(Long.class, value, avro);
            case FLOAT -> expect(Float.class, value, avro);
            case DOUBLE -> expect(Double.class, value, avro);
            case BOOLEAN -> expect(Boolean.class, value, avro);
            case MAP -> convertValues(expect(Map.class, value, avro), v -> v == null ? null
                    : toAvro(model, avro.getValueType(), v));
            case ARRAY -> convertElements(expect(List.class, value, avro), e -> e == null ? null
                    : toAvro(model, avro.getElementType(), e));
            case UNION -> unionToAvro(model, avro, value);
            case NULL -> throw new DataException("cannot convert Connect data to Avro " + avro.getType());
        };
    }

    private static Object toRecord(GenericData model, org.apache.avro.Schema avro, Struct struct) {
        IndexedRecord record = (IndexedRecord) model.newRecord(null, avro);
        for (Field f : avro.getFields()) {
            record.put(f.pos(), fieldValue(model, avro, f, struct));
        }
        return record;
    }

    /** A field's value, or its default when the Struct has none for it. */
    private static Object fieldValue(GenericData model, org.apache.avro.Schema avro, Field f, Struct struct) {
        boolean present = struct.schema().field(f.name()) != null;
        Object value = present ? struct.get(f.name()) : null;
        if (value != null) {
            return toAvro(model, f.schema(), value);
        }
        if (present && nullable(f.schema())) {
            return null;
        }
        if (!f.hasDefaultValue()) {
            throw new DataException(avro.getName() + "." + f.name() + (present ? " is null" : " is missing")
                    + " and has no default");
        }
        return model.getDefaultValue(f);
    }

    private static boolean nullable(org.apache.avro.Schema s) {
        return s.getType() == org.apache.avro.Schema.Type.NULL
                || s.getType() == org.apache.avro.Schema.Type.UNION && s.getTypes().stream()
                        .anyMatch(t -> t.getType() == org.apache.avro.Schema.Type.NULL);
    }

    private static Object unionToAvro(GenericData model, org.apache.avro.Schema avro, Object value) {
        org.apache.avro.Schema single = nullableBranch(avro);
        if (single != null) {
            return toAvro(model, single, value);
        }
        Struct union = expect(Struct.class, value, avro);
        for (org.apache.avro.Schema branch : avro.getTypes()) {
            Object v = union.get(branch.getName());
            if (v != null) {
                return toAvro(model, branch, v);
            }
        }
        throw new DataException("union struct has no branch set");
    }

    private static <T> T expect(Class<T> type, Object value, org.apache.avro.Schema avro) {
        if (!type.isInstance(value)) {
            throw new DataException("Avro " + avro.getType() + " " + avro.getName() + " cannot be read from a "
                    + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    /** A map's values converted, its keys as strings (both directions). */
    private static Map<String, Object> convertValues(Object map, UnaryOperator<Object> convert) {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) map).forEach((k, v) -> out.put(k.toString(), convert.apply(v)));
        return out;
    }

    /** A list's elements converted (both directions). */
    private static List<Object> convertElements(Object list, UnaryOperator<Object> convert) {
        List<Object> out = new ArrayList<>();
        for (Object element : (List<?>) list) {
            out.add(convert.apply(element));
        }
        return out;
    }
}
