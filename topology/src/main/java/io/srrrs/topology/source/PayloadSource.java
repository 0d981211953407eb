package io.srrrs.topology.source;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.topology.BadReferenceException;

import java.io.IOException;

/**
 * One kind of place a payload can come from. {@link BadReferenceException} means the reference
 * can never succeed (not allowed, not found): it goes to the DLQ. An {@link IOException} means
 * the source may work later (network, 5xx): the reference is retried.
 */
public interface PayloadSource extends AutoCloseable {

    OpenedPayload open(PayloadReference reference) throws BadReferenceException, IOException;

    @Override
    default void close() {
    }
}
