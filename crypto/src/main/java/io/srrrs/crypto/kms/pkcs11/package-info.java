/**
 * The {@code pkcs11} KMS provider: KEKs as non-extractable AES keys in a PKCS#11 token (an HSM;
 * SoftHSM2 in tests), used through the JDK's SunPKCS11. {@link io.srrrs.crypto.kms.pkcs11.Pkcs11Kms}
 * is the provider, {@link io.srrrs.crypto.kms.pkcs11.Pkcs11KmsFactory} reads {@code kms.pkcs11.*}.
 *
 * <p>It may use {@link io.srrrs.crypto.kms}, {@link io.srrrs.crypto.format} and the JDK.
 */
package io.srrrs.crypto.kms.pkcs11;
