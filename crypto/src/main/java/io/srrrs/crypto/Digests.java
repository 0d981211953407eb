package io.srrrs.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one place a SHA-256 {@link MessageDigest} is made: payload hashes a reference carries
 * ({@code expectedSha256}), the topology checks and the CLI and the chaos suite compare. Not used
 * for key derivation or commitment (those live in {@code crypto.internal}).
 */
public final class Digests {

    private Digests() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java platform has no SHA-256", e); // every platform must have it
        }
    }

    /** The SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }
}
