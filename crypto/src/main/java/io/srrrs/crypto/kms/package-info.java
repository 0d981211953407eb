/**
 * The KMS SPI and what every provider is wrapped in. A {@link io.srrrs.crypto.kms.Kms} resolves
 * KEK names to {@link io.srrrs.crypto.kms.KekId}s, generates DEKs
 * ({@link io.srrrs.crypto.kms.DataKeyPair}: the plaintext {@link io.srrrs.crypto.kms.DataKey} and
 * its {@link io.srrrs.crypto.kms.WrappedDek}), unwraps and rewraps them, always bound to the
 * object's encryption context; failures are the {@link io.srrrs.crypto.kms.KmsException} subtypes,
 * which say whether asking again can help. A {@link io.srrrs.crypto.kms.KmsFactory} makes one
 * provider from {@code kms.*} keys; {@link io.srrrs.crypto.kms.KmsConfig} picks and configures it.
 *
 * <p>The decorators ({@link io.srrrs.crypto.kms.DekCache}, {@link io.srrrs.crypto.kms.UnwrappedDekCache},
 * {@link io.srrrs.crypto.kms.MeteredKms}, {@link io.srrrs.crypto.kms.ResilientKms}) are stacked by
 * {@link io.srrrs.crypto.kms.DecoratedKms}; {@link io.srrrs.crypto.kms.KekAllowList} is the
 * reader's and writer's check on which KEKs may be used at all.
 *
 * <p>{@link io.srrrs.crypto.kms.DekWrapping} says how a DEK is wrapped: format v1's own blob, or as
 * S3EC readers unwrap it (kms+context: the context plus {@code aws:x-amz-cek-alg}; or
 * {@link io.srrrs.crypto.kms.S3ecAesGcmKeyring}, S3EC's AES/GCM blob, for AES KEKs). Every
 * decorator forwards the wrapping; the caches key by it.
 *
 * <p>It may use {@link io.srrrs.crypto.format}, {@link io.srrrs.crypto.internal} and the JDK; it
 * names the built-in providers ({@code local}, {@code pkcs11}) only to list their factories. Other
 * providers live in their own modules (kms-aws, kms-vault) and are found by ServiceLoader.
 */
package io.srrrs.crypto.kms;
