/**
 * The {@code vault} KMS provider: HashiCorp Vault or OpenBao Transit over {@code java.net.http},
 * the encryption context bound as Transit's key-derivation context.
 * {@link io.srrrs.kms.vault.VaultTransitKms} maps the SPI onto Transit's HTTP API;
 * {@link io.srrrs.kms.vault.VaultTransitKmsFactory} reads {@code kms.vault.*} (TLS 1.3 only, the
 * token re-read from its file at every call). Registered for ServiceLoader in
 * {@code META-INF/services/io.srrrs.crypto.kms.KmsFactory}.
 *
 * <p>It may use the crypto module's public packages ({@link io.srrrs.crypto.kms},
 * {@link io.srrrs.crypto.format}, {@link io.srrrs.crypto.pki}), Jackson and the JDK; never
 * {@code io.srrrs.crypto.internal}.
 */
package io.srrrs.kms.vault;
