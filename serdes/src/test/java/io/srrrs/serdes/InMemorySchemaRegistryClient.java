package io.srrrs.serdes;

import io.srrrs.serdes.registry.IncompatibleSchemaException;
import io.srrrs.serdes.registry.RegisteredSchema;
import io.srrrs.serdes.registry.SchemaNotFoundException;
import io.srrrs.serdes.registry.SchemaRegistryClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory stand-in for the registry, for unit tests of one class at a time (serdes,
 * TopologyTestDriver). Integration tests use the real Apicurio Registry instead.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();
    private final Map<String, String> compatibility = new HashMap<>();
    private int nextId = 1;

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (int id : versions) {
            if (byId.get(id).equals(schema)) {
                return id;
            }
        }
        if (!isCompatible(subject, schema)) {
            throw new IncompatibleSchemaException("incompatible with " + subject);
        }
        int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
                .findFirst().orElseGet(() -> {
                    int fresh = nextId++;
                    byId.put(fresh, schema);
                    return fresh;
                });
        versions.add(id);
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        for (int id : subjects.getOrDefault(subject, List.of())) {
            if (byId.get(id).equals(schema)) {
                return id;
            }
        }
        throw new SchemaNotFoundException("schema not registered under " + subject, 40403);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema s = byId.get(id);
        if (s == null) {
            throw new SchemaNotFoundException("Schema " + id + " not found.", 40403);
        }
        return s;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaNotFoundException("Subject " + subject + " not found.", 40401);
        }
        return version(subject, versions.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null || version < 1 || version > versions.size()) {
            throw new SchemaNotFoundException("version " + version + " of " + subject + " not found", 40402);
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, byId.get(id));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty() || !"BACKWARD".equals(compatibility.get(subject))) {
            return true;
        }
        Schema latest = byId.get(versions.get(versions.size() - 1));
        return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        compatibility.put(subject, level);
    }
}
