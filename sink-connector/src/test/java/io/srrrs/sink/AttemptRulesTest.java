package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.client.SrrrsClient;
import io.srrrs.schemas.EncryptedChunk;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Attempts at one reference: a restarted topology re-encrypts an object from chunk 0 under
 * attempt + 1. The newest attempt is assembled, older ones' chunks are ignored, a later chunk of
 * an attempt whose chunk 0 never came is a gap.
 */
class AttemptRulesTest extends SinkTaskFixture {

    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    /** Three chunks of one object (two whole ones and the last), under {@code attempt}. */
    List<EncryptedChunk> attempt(int attempt, byte[] plaintext) throws Exception {
        List<EncryptedChunk> out = new ArrayList<>();
        for (EncryptedChunk c : ChunkMaker.chunks(kms.kms(), "ref", "objects", "attempts/x.bin", plaintext, SEGMENT,
                CHUNK, null)) {
            out.add(EncryptedChunk.newBuilder(c).setAttempt(attempt).build());
        }
        assertThat(out).hasSize(3);
        return out;
    }

    static List<SinkRecord> inOrder(List<EncryptedChunk> chunks) {
        List<SinkRecord> out = new ArrayList<>();
        for (EncryptedChunk c : chunks) {
            out.add(ChunkMaker.record(TOPIC, 0, out.size(), c));
        }
        return out;
    }

    byte[] stored() throws Exception {
        try (SrrrsClient client = client()) {
            return client.readAll("objects", "attempts/x.bin");
        }
    }

    @Test
    void aNewerAttemptStartsTheObjectAgainAndTheOlderOnesChunksAreIgnored() throws Exception {
        byte[] old = payload(2 * CHUNK);
        byte[] fresh = payload(2 * CHUNK);
        List<EncryptedChunk> a0 = attempt(0, old);
        List<EncryptedChunk> a1 = attempt(1, fresh);
        settled(inOrder(List.of(a0.get(0), a0.get(1), a1.get(0), a0.get(2), a1.get(1), a1.get(2))));
        assertThat(context.reported).as("a superseded chunk is not bad input").isEmpty();
        assertThat(stored()).isEqualTo(fresh);
        assertThat(ChunkRecord.of(ChunkMaker.record(TOPIC, 0, 0, a1.get(0))).attempt()).isEqualTo(1);
        assertThat(preCommit(6).get(TP).offset()).isEqualTo(6);
    }

    @Test
    void aSupersededAttemptsSpanStillHoldsBackTheCommit() throws Exception {
        List<EncryptedChunk> a0 = attempt(0, payload(2 * CHUNK));
        List<EncryptedChunk> a1 = attempt(1, payload(2 * CHUNK));
        List<EncryptedChunk> other = ChunkMaker.chunks(kms.kms(), "other", "objects", "attempts/other.bin",
                payload(2 * CHUNK), SEGMENT, CHUNK, null);
        // Attempt 0 spans offsets 0..2 and never completes, another object starts inside it at 1,
        // attempt 1 starts at 3.
        settled(inOrder(List.of(a0.get(0), other.get(0), a0.get(1), a1.get(0))));
        assertThat(preCommit(4).get(TP).offset())
                .as("a commit at 1 would, after a restart, deliver attempt 0's chunk 1 without its chunk 0")
                .isEqualTo(0);
    }

    @Test
    void aChunk0OfAnOlderAttemptDoesNotRestartTheNewerOne() throws Exception {
        byte[] old = payload(2 * CHUNK);
        byte[] fresh = payload(2 * CHUNK);
        List<EncryptedChunk> a0 = attempt(0, old);
        List<EncryptedChunk> a1 = attempt(1, fresh);
        settled(inOrder(List.of(a1.get(0), a0.get(0), a1.get(1), a0.get(1), a1.get(2), a0.get(2))));
        assertThat(context.reported).isEmpty();
        assertThat(stored()).isEqualTo(fresh);
    }

    @Test
    void aLaterChunkOfANewerAttemptWithoutItsChunk0IsAGap() throws Exception {
        List<EncryptedChunk> a0 = attempt(0, payload(2 * CHUNK));
        List<EncryptedChunk> a1 = attempt(1, payload(2 * CHUNK));
        settled(inOrder(List.of(a0.get(0), a1.get(1))));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error()).isInstanceOf(ChunkRefusedException.class)
                .hasMessageStartingWith("SEQUENCE_GAP").hasMessageContaining("attempt 1");
        assertThat(context.reported.get(0).record().kafkaOffset()).isEqualTo(1);
        assertThat(exists("objects", "attempts/x.bin")).isFalse();
    }

    @Test
    void theSameAttemptsChunk0AgainRestartsTheObject() throws Exception {
        byte[] plaintext = payload(2 * CHUNK);
        List<EncryptedChunk> a2 = attempt(2, plaintext);
        settled(inOrder(List.of(a2.get(0), a2.get(1), a2.get(0), a2.get(1), a2.get(2))));
        assertThat(context.reported).isEmpty();
        assertThat(stored()).isEqualTo(plaintext);
    }
}
