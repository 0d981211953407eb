package io.srrrs.topology.source;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.topology.BadReferenceException;

import java.io.IOException;

/**
 * One kind of place a payload can come from. {@link BadReferenceException} means the reference
 * can never succeed (not allowed, not found): it goes to the DLQ. An {@link IOException} means
 * the source may work later (network, 5xx): the reference is retried. A source uses no more time
 * than {@code deadline} leaves: {@link PayloadSources} cuts the body there, and the source bounds
 * its own waits (connect, headers, each redirect) by what remains.
 */
public interface PayloadSource extends AutoCloseable {

    OpenedPayload open(PayloadReference reference, SourceDeadline deadline) throws BadReferenceException, IOException;

    @Override
    default void close() {
    }
}
