package io.srrrs.client;

import io.srrrs.crypto.format.ObjectIdentity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The heads of objects recently read by range, so that a further range of the same object costs
 * one GET instead of a HEAD and a GET (docs/DECISIONS.md D50). Only heads whose decryptor opened
 * are put here, never a refusal and never a DEK; a GET made with a cached head carries
 * {@code If-Match} with the ETag that HEAD returned, so its bytes are of the version the head
 * describes. Least recently used first out, at most {@link #MAX_ENTRIES} per client.
 */
final class HeadCache {

    static final int MAX_ENTRIES = 1024;

    private final int capacity;
    private final Map<ObjectIdentity, ObjectHead> heads;

    HeadCache(int capacity) {
        this.capacity = capacity;
        this.heads = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ObjectIdentity, ObjectHead> eldest) {
                return size() > HeadCache.this.capacity;
            }
        };
    }

    /** A cache that holds nothing: every range read makes its HEAD. */
    static HeadCache disabled() {
        return new HeadCache(0);
    }

    synchronized ObjectHead get(ObjectIdentity id) {
        return heads.get(id);
    }

    /** Keeps {@code head} for {@code id}, unless it cannot be checked with If-Match or is SSE-C's. */
    synchronized void put(ObjectIdentity id, ObjectHead head) {
        if (capacity > 0 && cacheable(head)) {
            heads.put(id, head);
        }
    }

    /** Drops {@code id}'s head only if it is still {@code head} (a concurrent read may have put a newer one). */
    synchronized void drop(ObjectIdentity id, ObjectHead head) {
        heads.remove(id, head);
    }

    /** Drops whatever head is kept for {@code id}: this client just changed its metadata (a rewrap). */
    synchronized void forget(ObjectIdentity id) {
        heads.remove(id);
    }

    synchronized int size() {
        return heads.size();
    }

    /**
     * Whether {@code head} is kept and checked with If-Match. SSE-C objects are left out (and
     * their GETs are sent as before, without If-Match): their head comes from a companion HEAD and a keyed HEAD, and a
     * cached one would be checked by If-Match on the object alone, not its companion, and
     * conditional GETs with SSE-C keys are not yet proven on the stores we test.
     */
    static boolean cacheable(ObjectHead head) {
        return head.etag() != null && !head.etag().isEmpty() && head.companion() == null && !head.info().sseC();
    }
}
