package io.srrrs.crypto;

import io.srrrs.crypto.format.ObjectIdentity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * How the topology hands an object's SSE-C key to the sink without the sink ever seeing a DEK:
 * the key is sealed to the sink's X25519 public key with HPKE (RFC 9180, base mode,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM), bound to the object's identity, and
 * travels in chunk 0. Only the holder of the sink's private key opens it. Sealed blob v1
 * (docs/FORMAT.md §8): {@code 0x01 ‖ enc(32) ‖ AEAD ciphertext(48)}.
 *
 * <p>Where SSE-C lives, per side: the key is derived from the DEK here in {@code crypto/}
 * ({@code ObjectEncryptor.sseCKey()}, {@code ObjectDecryptor.sseCKey()}) and sealed or opened
 * by this class; everything on the wire (the key's encoded form and the https-only rule, the
 * request headers, the metadata companion) is {@code store/}'s: {@code SseC},
 * {@code SseCHeaders}, {@code MetadataCompanion}.
 */
public final class SseCKeySealer {

    private static final byte VERSION = 0x01;
    private static final byte[] INFO = "SRRRS sse-c key v1".getBytes(StandardCharsets.US_ASCII);
    private static final int ENC_LENGTH = 32;
    private static final int KEY_LENGTH = 32;

    /** An X25519 key pair in the raw 32-byte encodings of RFC 7748, base64 for configuration. */
    public record KeyPair(String publicKeyBase64, String privateKeyBase64) {
        @Override
        public String toString() {
            return "SseCKeySealer.KeyPair[public=" + publicKeyBase64 + "]";
        }
    }

    private SseCKeySealer() {
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** A fresh key pair for a sink: the public half goes to the topology, the private half to the sink. */
    public static KeyPair generateKeyPair() {
        HPKE hpke = hpke();
        AsymmetricCipherKeyPair pair = hpke.generatePrivateKey();
        byte[] pk = hpke.serializePublicKey(pair.getPublic());
        byte[] sk = hpke.serializePrivateKey(pair.getPrivate());
        try {
            return new KeyPair(Base64.getEncoder().encodeToString(pk), Base64.getEncoder().encodeToString(sk));
        } finally {
            Arrays.fill(sk, (byte) 0);
        }
    }

    /** Seals {@code sseCKey} to {@code sinkPublicKeyBase64} for the object at {@code identity}. */
    public static byte[] seal(String sinkPublicKeyBase64, byte[] sseCKey, ObjectIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        if (sseCKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an SSE-C key is 32 bytes");
        }
        HPKE hpke = hpke();
        AsymmetricKeyParameter pk;
        try {
            pk = hpke.deserializePublicKey(Base64.getDecoder().decode(sinkPublicKeyBase64.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the sink's SSE-C public key is not a base64 X25519 public key");
        }
        try {
            byte[][] sealed = hpke.seal(pk, INFO, identity.canonicalBytes(), sseCKey, null, null, null);
            byte[] ct = sealed[0];
            byte[] enc = sealed[1];
            byte[] out = new byte[1 + enc.length + ct.length];
            out[0] = VERSION;
            System.arraycopy(enc, 0, out, 1, enc.length);
            System.arraycopy(ct, 0, out, 1 + enc.length, ct.length);
            return out;
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        }
    }

    /**
     * Opens a sealed SSE-C key with the sink's private key. The caller zeroes the result after use.
     *
     * @throws IllegalArgumentException naming the problem: unknown version, wrong private key, or
     *                                  sealed for another object
     */
    public static byte[] open(String sinkPrivateKeyBase64, byte[] sealed, ObjectIdentity identity) {
        if (sealed == null || sealed.length != 1 + ENC_LENGTH + KEY_LENGTH + 16 || sealed[0] != VERSION) {
            throw new IllegalArgumentException("sealed SSE-C key is not a v1 blob");
        }
        HPKE hpke = hpke();
        byte[] sk = Base64.getDecoder().decode(sinkPrivateKeyBase64.trim());
        try {
            AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(sk, publicKeyBytes(sk));
            byte[] enc = Arrays.copyOfRange(sealed, 1, 1 + ENC_LENGTH);
            byte[] ct = Arrays.copyOfRange(sealed, 1 + ENC_LENGTH, sealed.length);
            return hpke.open(enc, pair, INFO, identity.canonicalBytes(), ct, null, null, null);
        } catch (InvalidCipherTextException e) {
            throw new IllegalArgumentException("sealed SSE-C key does not open: another sink's key, or sealed for "
                    + "another object than " + identity);
        } catch (IllegalStateException e) {
            // Bouncy Castle's X25519 refuses an encapsulated key of low order (no shared secret) so.
            throw new IllegalArgumentException("sealed SSE-C key does not open: its encapsulated key is not a usable "
                    + "X25519 public key");
        } finally {
            Arrays.fill(sk, (byte) 0);
        }
    }

    /** The public key of a private key, so a sink can be configured with the private key alone. */
    public static String publicKeyOf(String sinkPrivateKeyBase64) {
        byte[] sk = Base64.getDecoder().decode(sinkPrivateKeyBase64.trim());
        try {
            return Base64.getEncoder().encodeToString(publicKeyBytes(sk));
        } finally {
            Arrays.fill(sk, (byte) 0);
        }
    }

    private static byte[] publicKeyBytes(byte[] privateKey) {
        if (privateKey.length != 32) {
            throw new IllegalArgumentException("an X25519 private key is 32 bytes");
        }
        return new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    }
}
