/**
 * The {@code local} KMS provider: KEKs in a password-protected PKCS#12 file.
 * {@link io.srrrs.crypto.kms.local.LocalKeystoreKms} is the provider (wrapping, unwrapping, and the
 * KEK administration {@code srrrs keys} does); {@code LocalKeystore} owns the file (its layout,
 * atomic writes, re-reading when another process changed it);
 * {@link io.srrrs.crypto.kms.local.LocalKeystoreKmsFactory} reads {@code kms.local.*}.
 *
 * <p>It may use {@link io.srrrs.crypto.kms}, {@link io.srrrs.crypto.format},
 * {@link io.srrrs.crypto.internal} and the JDK.
 */
package io.srrrs.crypto.kms.local;
