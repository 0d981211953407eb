package io.srrrs.sink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The ciphertext of one part being assembled. Chunks are kept as they came (no copy) while the
 * task's {@link MemoryBudget} allows; past it the part spills to a file (ciphertext only) and
 * grows there. Once full, the part is handed to its {@link UploadJob}, which owns it until the
 * upload succeeded or the object is dropped: an upload (and its retries) reads it as many times as
 * needed, and only {@link #close} gives its bytes back to the budget.
 */
final class PartBuffer implements AutoCloseable {

    private final MemoryBudget budget;
    private final Path spillDir;
    private final List<byte[]> chunks = new ArrayList<>();
    private long inMemory;
    private long size;
    private Path spillFile;
    private FileChannel spill;

    PartBuffer(MemoryBudget budget, Path spillDir) {
        this.budget = budget;
        this.spillDir = spillDir;
    }

    void append(byte[] bytes) throws IOException {
        if (spill == null && budget.tryReserve(bytes.length)) {
            chunks.add(bytes);
            inMemory += bytes.length;
        } else {
            spillToFile();
            spill.write(ByteBuffer.wrap(bytes), size);
        }
        size += bytes.length;
    }

    /** Undoes the last {@link #append} (a failed upload is retried with the same records). */
    void dropLast(int length) throws IOException {
        if (spill != null) {
            spill.truncate(size - length);
        } else {
            byte[] last = chunks.remove(chunks.size() - 1);
            inMemory -= last.length;
            budget.release(last.length);
        }
        size -= length;
    }

    long size() {
        return size;
    }

    boolean spilled() {
        return spill != null;
    }

    private void spillToFile() throws IOException {
        if (spill != null) {
            return;
        }
        Files.createDirectories(spillDir);
        spillFile = Files.createTempFile(spillDir, "part-", ".ciphertext");
        spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long pos = 0;
        for (byte[] c : chunks) {
            spill.write(ByteBuffer.wrap(c), pos);
            pos += c.length;
        }
        chunks.clear();
        budget.release(inMemory);
        inMemory = 0;
    }

    /** The bytes as an upload body, replayable for retries. */
    RequestBody body() {
        long length = size;
        if (spill != null) {
            Path file = spillFile;
            return RequestBody.fromContentProvider(() -> {
                try {
                    return Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, length, "application/octet-stream");
        }
        List<byte[]> snapshot = List.copyOf(chunks);
        return RequestBody.fromContentProvider(() -> {
            List<InputStream> streams = new ArrayList<>();
            for (byte[] c : snapshot) {
                streams.add(new ByteArrayInputStream(c));
            }
            return new SequenceInputStream(Collections.enumeration(streams));
        }, length, "application/octet-stream");
    }

    /** Frees the bytes: the memory back to the budget, the spill file deleted. */
    @Override
    public void close() throws IOException {
        budget.release(inMemory);
        chunks.clear();
        inMemory = 0;
        size = 0;
        if (spill != null) {
            spill.close();
            Files.deleteIfExists(spillFile);
            spill = null;
            spillFile = null;
        }
    }
}
