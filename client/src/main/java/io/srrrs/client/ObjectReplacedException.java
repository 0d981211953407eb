package io.srrrs.client;

import java.io.IOException;

/**
 * A ranged GET sent with {@code If-Match} on a head's ETag was answered 412: the object was
 * replaced since that HEAD. {@link ObjectReader} drops the head and retries once with a fresh one.
 */
final class ObjectReplacedException extends IOException {

    private static final long serialVersionUID = 1L;

    ObjectReplacedException(String message, Throwable cause) {
        super(message, cause);
    }
}
