package io.srrrs.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * One partition's objects under way, and what of the partition may be committed.
 *
 * <p>The commit rule: a committed offset never falls inside an object's span (its first chunk
 * before the offset, a later chunk at or after it). Chunks of objects written by different
 * topology transactions interleave in a partition, so "up to the first chunk of the oldest
 * unfinished object" alone could split an object that finished meanwhile: after a restart its
 * tail would come without its chunk 0 and look like a gap. With the rule, every chunk read after
 * a restart belongs to an object whose chunk 0 is read too, so a chunk without its predecessor is
 * a real gap, never a redelivery. An object is finished only once the task thread saw its final
 * write succeed ({@link #uploading} until then), however long its upload runs in the background.
 */
final class PartitionState {

    /** The offsets an object's chunks spanned so far, and when its latest chunk came. */
    static final class Span {
        final long first;
        long last;
        long touchedAtMillis;

        Span(long first, long last, long touchedAtMillis) {
            this.first = first;
            this.last = last;
            this.touchedAtMillis = touchedAtMillis;
        }
    }

    /** Objects being assembled, by reference id, in the order their first chunks came. */
    final LinkedHashMap<String, ObjectAssembly> open = new LinkedHashMap<>();
    /**
     * Objects whose last chunk came and whose final write is in flight (or waiting for a retry):
     * unfinished until the task thread saw that write succeed.
     */
    final Set<ObjectAssembly> uploading = new LinkedHashSet<>();
    /** Objects dropped before their last chunk: their later chunks are ignored, their span kept. */
    private final Map<String, Span> dropped = new HashMap<>();
    /** Objects finished whose span may still hold back a commit. */
    private final List<Span> finished = new ArrayList<>();
    /** Objects given up for want of their last chunk: should their tail come after all, it is ignored. */
    private final Set<String> expired = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_EXPIRED_REMEMBERED;
        }
    });
    private static final int MAX_EXPIRED_REMEMBERED = 10_000;
    /**
     * The newest attempt whose chunk 0 came, per reference (the latest ones only): a chunk of an
     * older attempt is superseded, whether the newer one is open, uploading or written already.
     */
    private final Map<String, Integer> newestAttempts = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_EXPIRED_REMEMBERED;
        }
    };
    /** Failures per offset, for bounded retries. */
    private final Map<Long, Integer> failures = new HashMap<>();
    /** Store failures per offset in a row while the store answered other requests. */
    private final Map<Long, Integer> failuresWhileStoreAnswered = new HashMap<>();
    long lastApplied = -1;
    long lastAppliedAtMillis;

    /** Whether later chunks of this object are to be ignored: it was dropped or given up. */
    boolean isDropped(String referenceId) {
        return dropped.containsKey(referenceId) || expired.contains(referenceId);
    }

    /** A later chunk of a dropped object: ignored; its last chunk closes the span. */
    void touchDropped(String referenceId, long offset, boolean last, long now) {
        Span s = dropped.get(referenceId);
        if (s == null) {
            return; // given up already: its span no longer holds anything back
        }
        s.last = offset;
        s.touchedAtMillis = now;
        if (last) {
            dropped.remove(referenceId);
            finished.add(s);
        }
    }

    /** Whether a newer attempt at the reference than {@code attempt} has started here. */
    boolean superseded(String referenceId, int attempt) {
        Integer newest = newestAttempts.get(referenceId);
        return newest != null && attempt < newest;
    }

    /** A chunk 0 of {@code attempt} started the reference's object. */
    void started(String referenceId, int attempt) {
        newestAttempts.merge(referenceId, attempt, Math::max);
    }

    /** Chunk 0 of a dropped object came again: a new attempt at it, assembled from scratch. */
    void undrop(String referenceId) {
        expired.remove(referenceId);
        Span s = dropped.remove(referenceId);
        if (s != null) {
            finished.add(s);
        }
    }

    void drop(String referenceId, long first, long offset, long now) {
        dropped.put(referenceId, new Span(first, offset, now));
    }

    void finish(long first, long last) {
        finished.add(new Span(first, last, 0));
    }

    /** Counts an unforeseen failure of the record at {@code offset}; returns the count so far. */
    int failed(long offset) {
        return failures.merge(offset, 1, Integer::sum);
    }

    /** Counts a store failure of the record at {@code offset}: in a row while the store answered, else from 0. */
    int failedWhileStoreAnswered(long offset, boolean storeAnswered) {
        if (!storeAnswered) {
            failuresWhileStoreAnswered.remove(offset);
            return 0;
        }
        return failuresWhileStoreAnswered.merge(offset, 1, Integer::sum);
    }

    void settled(long offset) {
        failures.remove(offset);
        failuresWhileStoreAnswered.remove(offset);
    }

    /** The largest offset up to {@code consumed} that splits no object (see the class comment). */
    long safeOffset(long consumed) {
        long safe = consumed;
        for (ObjectAssembly a : open.values()) {
            safe = Math.min(safe, a.firstOffset);
        }
        for (ObjectAssembly a : uploading) {
            safe = Math.min(safe, a.firstOffset);
        }
        for (Span s : dropped.values()) {
            safe = Math.min(safe, s.first);
        }
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Span s : finished) {
                if (s.first < safe && s.last >= safe) {
                    safe = s.first;
                    moved = true;
                }
            }
        }
        long committed = safe;
        finished.removeIf(s -> s.last < committed); // can never hold back a later commit
        return safe;
    }

    /**
     * Objects whose last chunk has not come for {@code timeoutMillis} while the partition went on
     * past them: removed from the open set and returned; dropped objects past it are let go.
     */
    List<ObjectAssembly> expire(long now, long timeoutMillis) {
        List<ObjectAssembly> expired = new ArrayList<>();
        for (Iterator<ObjectAssembly> it = open.values().iterator(); it.hasNext(); ) {
            ObjectAssembly a = it.next();
            if (stale(a.span, now, timeoutMillis)) {
                it.remove();
                finished.add(a.span);
                this.expired.add(a.referenceId);
                expired.add(a);
            }
        }
        for (Iterator<Map.Entry<String, Span>> it = dropped.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Span> d = it.next();
            if (stale(d.getValue(), now, timeoutMillis)) {
                it.remove();
                finished.add(d.getValue());
                this.expired.add(d.getKey());
            }
        }
        return expired;
    }

    private boolean stale(Span s, long now, long timeoutMillis) {
        // Only when the partition delivered newer records since: a paused or idle partition is no evidence.
        // (At or after its touch: with uploads in the background a later record may be applied in the same ms.)
        return now - s.touchedAtMillis > timeoutMillis && lastApplied > s.last && lastAppliedAtMillis >= s.touchedAtMillis;
    }
}
