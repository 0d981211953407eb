/**
 * The Kafka Connect S3 sink: assembles the topology's EncryptedChunk records into format v1
 * objects, exactly once, and refuses by reason ({@link io.srrrs.sink.ChunkRefusedException.Reason})
 * what can never be written. It holds no DEK and never sees plaintext.
 */
package io.srrrs.sink;
