package io.srrrs.client;

import io.srrrs.crypto.format.ObjectIdentity;

import java.io.IOException;

/**
 * A rewrap lost a race: the object (or its SSE-C metadata companion) changed between the rewrap's
 * HEAD and its copy, so the store refused the copy (412, {@code x-amz-copy-source-if-match}). The
 * new version is left as it is, never given the old version's header and wrapped DEK; rewrap it
 * again if it should move too.
 */
public final class RewrapConflictException extends IOException {

    private final ObjectIdentity identity;

    /** A lost race on {@code identity} (the object or its metadata companion). */
    public RewrapConflictException(ObjectIdentity identity, String message, Throwable cause) {
        super(message, cause);
        this.identity = identity;
    }

    /** The object (or SSE-C metadata companion) that changed. */
    public ObjectIdentity identity() {
        return identity;
    }
}
