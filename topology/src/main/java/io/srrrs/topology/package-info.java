/**
 * The encryption topology: a Kafka Streams application that turns each PayloadReference into the
 * EncryptedChunk records of one object (format v1) in one transaction, or, for an object larger
 * than {@code srrrs.transaction.slice.bytes}, in one transaction per slice
 * ({@link io.srrrs.topology.ObjectSlices}: a store of objects in progress, a punctuation that goes
 * on with them, a new attempt from chunk 0 after a crash), or into one dead-letter record with its
 * reason. It is a privileged deputy (it reads sources, uses KEKs, names where objects are
 * written), so every choice a reference makes is checked against the operator's configuration
 * first: the destination ({@link io.srrrs.topology.ReferencePolicy}), the KEK
 * ({@link io.srrrs.topology.KekPolicy}), the source ({@link io.srrrs.topology.source}).
 */
package io.srrrs.topology;
