package io.srrrs.topology.source;

import java.io.IOException;
import java.io.InputStream;

/**
 * A payload ready to be read.
 *
 * @param stream         the plaintext; read once, then closed
 * @param declaredLength its length if the source says so before reading (file size,
 *                       Content-Length), else -1
 * @param deadline       its deadline ({@link SourceDeadline}), which an object committed in slices
 *                       stops between two slices and starts anew for the next (D49)
 */
public record OpenedPayload(InputStream stream, long declaredLength, SliceDeadline deadline) implements AutoCloseable {

    /** The deadline of an object read in slices: it runs only while a slice is being read. */
    public interface SliceDeadline {
        /** Stops the clock: the object waits for its next slice (nothing is read meanwhile). */
        void pause();

        /** A whole deadline again, from now, for the next slice. */
        void resume();
    }

    /** For a stream whose deadline is someone else's (the source as opened, before {@link PayloadSources} bounds it). */
    public OpenedPayload(InputStream stream, long declaredLength) {
        this(stream, declaredLength, new SliceDeadline() {
            @Override
            public void pause() {
            }

            @Override
            public void resume() {
            }
        });
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
