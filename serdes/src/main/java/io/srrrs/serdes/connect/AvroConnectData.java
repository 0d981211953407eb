package io.srrrs.serdes.connect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema.Field;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro ↔ Kafka Connect data for the shapes our schemas use: records, primitives, bytes and fixed
 * (as BYTES), enums (as STRING), maps with string keys, arrays, optional values as
 * {@code ["null", X]} unions, and unions of records (as a struct with one optional field per
 * branch, named after the branch's record name). Anything else is refused with a DataException.
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
            case UNION -> {
                org.apache.avro.Schema single = nullableBranch(avro);
                if (single != null) {
                    yield copy(toConnectSchema(single, true, doc));
                }
                SchemaBuilder union = SchemaBuilder.struct().name(UNION);
                for (org.apache.avro.Schema branch : avro.getTypes()) {
                    if (branch.getType() != org.apache.avro.Schema.Type.RECORD) {
                        throw new DataException("unions are supported as [null, X] or of records only: " + avro);
                    }
                    union.field(branch.getName(), toConnectSchema(branch, true, branch.getDoc()));
                }
                yield union;
            }
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
        switch (avro.getType()) {
            case RECORD: {
                GenericRecord record = (GenericRecord) value;
                Struct struct = new Struct(connect);
                for (Field f : avro.getFields()) {
                    struct.put(f.name(), toConnectValue(f.schema(), connect.field(f.name()).schema(), record.get(f.pos())));
                }
                return struct;
            }
            case STRING:
            case ENUM:
                return value.toString();
            case BYTES: {
                ByteBuffer b = ((ByteBuffer) value).duplicate();
                byte[] out = new byte[b.remaining()];
                b.get(out);
                return out;
            }
            case FIXED:
                return ((GenericFixed) value).bytes().clone();
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
            case BOOLEAN:
                return value;
            case MAP: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.put(e.getKey().toString(), toConnectValue(avro.getValueType(), connect.valueSchema(), e.getValue()));
                }
                return out;
            }
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object element : (List<?>) value) {
                    out.add(toConnectValue(avro.getElementType(), connect.valueSchema(), element));
                }
                return out;
            }
            case UNION: {
                org.apache.avro.Schema single = nullableBranch(avro);
                if (single != null) {
                    return toConnectValue(single, connect, value);
                }
                int branch = GenericData.get().resolveUnion(avro, value);
                org.apache.avro.Schema branchSchema = avro.getTypes().get(branch);
                Struct union = new Struct(connect);
                union.put(branchSchema.getName(),
                        toConnectValue(branchSchema, connect.field(branchSchema.getName()).schema(), value));
                return union;
            }
            default:
                throw new DataException("cannot convert Avro " + avro.getType() + " to Connect data");
        }
    }

    /** Converts a Connect value back to a generic Avro datum of schema {@code avro}. */
    public static Object toAvroValue(org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        switch (avro.getType()) {
            case RECORD: {
                Struct struct = (Struct) value;
                GenericData.Record record = new GenericData.Record(avro);
                for (Field f : avro.getFields()) {
                    record.put(f.pos(), toAvroValue(f.schema(), struct.get(f.name())));
                }
                return record;
            }
            case STRING:
                return value.toString();
            case ENUM:
                return new GenericData.EnumSymbol(avro, value.toString());
            case BYTES:
                return ByteBuffer.wrap((byte[]) value);
            case FIXED:
                return new GenericData.Fixed(avro, (byte[]) value);
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
            case BOOLEAN:
                return value;
            case MAP: {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k.toString(), toAvroValue(avro.getValueType(), v)));
                return out;
            }
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object element : (List<?>) value) {
                    out.add(toAvroValue(avro.getElementType(), element));
                }
                return out;
            }
            case UNION: {
                org.apache.avro.Schema single = nullableBranch(avro);
                if (single != null) {
                    return toAvroValue(single, value);
                }
                Struct union = (Struct) value;
                for (org.apache.avro.Schema branch : avro.getTypes()) {
                    Object v = union.get(branch.getName());
                    if (v != null) {
                        return toAvroValue(branch, v);
                    }
                }
                throw new DataException("union struct has no branch set");
            }
            default:
                throw new DataException("cannot convert Connect data to Avro " + avro.getType());
        }
    }
}
