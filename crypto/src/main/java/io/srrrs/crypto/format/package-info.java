/**
 * The values of format v1, as docs/FORMAT.md defines them: the constants
 * ({@link io.srrrs.crypto.format.FormatV1}), the header, the encryption context and object
 * identity and their canonical bytes, and the arithmetic of segment offsets
 * ({@link io.srrrs.crypto.format.CiphertextLayout}). Pure values: no keys, no I/O beyond parsing
 * a header from a stream.
 *
 * <p>It may use the JDK and {@link io.srrrs.crypto.CiphertextException} (to refuse what does not
 * parse); it is used by the rest of crypto and by the modules that store or carry these values.
 */
package io.srrrs.crypto.format;
