package io.srrrs.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The objects of one task that are committed over several transactions: in memory, their open
 * state ({@link ObjectInProgress}), oldest first; in the changelogged store
 * {@value EncryptionTopology#OBJECTS_IN_PROGRESS_STORE}, their {@link InProgressRecord}, written in
 * the same transaction as their chunks and the input offset. After a crash or a rebalance the
 * store is all that is left, and says which objects to start again.
 */
final class ObjectsInProgress {

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, ObjectInProgress> objects = new LinkedHashMap<>();
    private boolean loaded;
    private int rotation;

    ObjectsInProgress(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /**
     * The first time only: the stored objects this instance has no open state of (its task was
     * restored from the changelog), now known here too; the caller decides how they go on.
     */
    List<ObjectInProgress> loadStored() {
        if (loaded) {
            return List.of();
        }
        loaded = true;
        List<ObjectInProgress> found = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (!objects.containsKey(entry.key)) {
                    ObjectInProgress o = new ObjectInProgress(entry.key, InProgressRecord.decode(entry.value), 0);
                    objects.put(entry.key, o);
                    found.add(o);
                }
            }
        }
        return found;
    }

    boolean contains(String id) {
        return objects.containsKey(id);
    }

    int size() {
        return objects.size();
    }

    /** The object in progress that goes to {@code target} (bucket/key), or null. */
    ObjectInProgress forTarget(String target) {
        for (ObjectInProgress o : objects.values()) {
            if (o.stored().target().equals(target)) {
                return o;
            }
        }
        return null;
    }

    /** The one that has been in progress longest, or null. */
    ObjectInProgress oldest() {
        return objects.isEmpty() ? null : objects.values().iterator().next();
    }

    /** The next one, in turn, that is not backing off at {@code nowMillis}; or null. */
    ObjectInProgress nextReady(long nowMillis) {
        List<ObjectInProgress> all = List.copyOf(objects.values());
        for (int i = 0; i < all.size(); i++) {
            ObjectInProgress o = all.get(Math.floorMod(rotation + i, all.size()));
            if (o.ready(nowMillis)) {
                rotation = Math.floorMod(rotation + i + 1, all.size());
                return o;
            }
        }
        return null;
    }

    /** Records {@code o} (its current attempt) in memory and in the store, in the open transaction. */
    void save(ObjectInProgress o) {
        objects.putIfAbsent(o.id(), o);
        store.put(o.id(), o.stored().encode());
    }

    /** Done with {@code o}: its open state released, its entry deleted (if it was ever stored). */
    void remove(ObjectInProgress o) {
        o.close();
        if (objects.remove(o.id()) != null) {
            store.delete(o.id());
        }
    }

    /** Releases every open source and buffer; the store keeps the entries, for whoever runs the task next. */
    void closeAll() {
        objects.values().forEach(ObjectInProgress::close);
        objects.clear();
    }
}
