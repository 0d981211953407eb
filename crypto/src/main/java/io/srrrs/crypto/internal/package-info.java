/**
 * The primitives behind format v1: HKDF, the object's derived keys and key commitment
 * ({@link io.srrrs.crypto.internal.ObjectKeys}), one segment's AES-GCM sealing and opening, and
 * the JCE look-ups they need.
 *
 * <p><b>Not API.</b> Nothing outside the crypto module may import this package: other modules go
 * through {@link io.srrrs.crypto} and {@link io.srrrs.crypto.kms}, which keep the checks (order of
 * verification, nonces, zeroing) that using these classes directly would skip. It may use
 * {@link io.srrrs.crypto.format}, {@link io.srrrs.crypto.CiphertextException}, Bouncy Castle's
 * HKDF and digest API, and the JDK.
 */
package io.srrrs.crypto.internal;
