package io.srrrs.topology;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.topology.source.OpenedPayload;
import io.srrrs.topology.source.SourceDeadlineExceededException;
import io.srrrs.topology.source.SourceTooLargeException;

import java.io.IOException;
import java.security.MessageDigest;

/**
 * One object being encrypted, between the transactions its slices are committed in: what was
 * stored of it ({@link InProgressRecord}) and, while an attempt runs, that attempt's open state
 * (the source stream, the sealing, the digest, the chunk counters). An object waiting to be
 * started again (after a crash, or a transient failure and its backoff) has no open state.
 */
final class ObjectInProgress {

    /**
     * An attempt's open state: the source is read and sealed as the slices ask for chunks.
     *
     * @param sha256 the running digest of the plaintext when the reference names a SHA-256, else null
     */
    record Opened(ReferenceValidator.Valid valid, ObjectCipher.Sealing sealing, OpenedPayload payload,
                  MessageDigest sha256, ObjectStart start, ChunkOutput chunks, long startedNanos) {
    }

    private final String id;
    private InProgressRecord stored;
    private Opened opened;
    private long notBeforeMillis;
    private boolean deadlinePaused;

    ObjectInProgress(String id, InProgressRecord stored, long notBeforeMillis) {
        this.id = id;
        this.stored = stored;
        this.notBeforeMillis = notBeforeMillis;
    }

    String id() {
        return id;
    }

    InProgressRecord stored() {
        return stored;
    }

    /** The open attempt, or null while the object waits to be started (again). */
    Opened opened() {
        return opened;
    }

    void opened(Opened attempt) {
        this.opened = attempt;
    }

    /** Whether a punctuation may work on it at {@code nowMillis} (not while it backs off). */
    boolean ready(long nowMillis) {
        return nowMillis >= notBeforeMillis;
    }

    long notBeforeMillis() {
        return notBeforeMillis;
    }

    /** Closes the current attempt and waits until {@code notBefore} to start {@code next} from chunk 0. */
    void restartAs(InProgressRecord next, long notBefore) {
        close();
        this.stored = next;
        this.notBeforeMillis = notBefore;
    }

    /**
     * Forwards the next chunks until at least {@code sliceBytes} of ciphertext went out in this
     * call or the last chunk did; the SHA-256 the reference names is checked before the last.
     *
     * @return whether the last chunk was forwarded
     */
    boolean forwardSlice(long sliceBytes) throws BadReferenceException, IOException {
        ChunkOutput chunks = opened.chunks();
        long until = chunks.ciphertextBytes() + sliceBytes;
        for (CiphertextChunk chunk = opened.sealing().next(); chunk != null; chunk = opened.sealing().next()) {
            MessageDigest sha256 = opened.sha256();
            if (chunk.last() && sha256 != null && !MessageDigest.isEqual(sha256.digest(),
                    opened.valid().reference().getExpectedSha256().bytes())) {
                throw new BadReferenceException(RejectReason.HASH_MISMATCH,
                        "the payload's SHA-256 is not the expectedSha256 of the reference");
            }
            chunks.forward(chunk, opened.start(), opened.sealing().plaintextLength());
            if (chunk.last()) {
                return true;
            }
            if (chunks.ciphertextBytes() >= until) {
                return false;
            }
        }
        return true;
    }

    /** Between two slices: the source's deadline stops, as nothing is read until the next one. */
    void pauseDeadline() {
        if (opened != null && !deadlinePaused) {
            opened.payload().deadline().pause();
            deadlinePaused = true;
        }
    }

    /** Before a slice: a whole source deadline for it (the transaction it is in must outlast it). */
    void resumeDeadline() {
        if (opened != null && deadlinePaused) {
            opened.payload().deadline().resume();
            deadlinePaused = false;
        }
    }

    /** What a failure reading the source means: bad input (DLQ) when it is the payload's fault, else null. */
    static BadReferenceException badInputOrNull(IOException e) {
        if (e instanceof SourceTooLargeException) {
            return new BadReferenceException(RejectReason.SOURCE_TOO_LARGE, e.getMessage());
        }
        if (e instanceof SourceDeadlineExceededException) {
            return new BadReferenceException(RejectReason.SOURCE_FAILED, e.getMessage());
        }
        return null;
    }

    /** Releases the open attempt's source and buffers, if any; the stored record stays. */
    void close() {
        if (opened == null) {
            return;
        }
        try (OpenedPayload payload = opened.payload(); ObjectCipher.Sealing sealing = opened.sealing()) {
            opened = null;
            deadlinePaused = false;
        } catch (IOException | RuntimeException ignored) {
            // the attempt is over; a source that fails to close has nothing more to give
        }
    }
}
