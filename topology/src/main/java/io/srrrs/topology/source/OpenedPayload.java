package io.srrrs.topology.source;

import java.io.IOException;
import java.io.InputStream;

/**
 * A payload ready to be read.
 *
 * @param stream         the plaintext; read once, then closed
 * @param declaredLength its length if the source says so before reading (file size,
 *                       Content-Length), else -1
 */
public record OpenedPayload(InputStream stream, long declaredLength) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
