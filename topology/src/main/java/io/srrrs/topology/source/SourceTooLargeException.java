package io.srrrs.topology.source;

import java.io.IOException;

/** Thrown from a payload stream that goes past srrrs.source.max.bytes. */
public final class SourceTooLargeException extends IOException {

    public SourceTooLargeException(long limit) {
        super("payload exceeds srrrs.source.max.bytes = " + limit + " bytes");
    }
}
