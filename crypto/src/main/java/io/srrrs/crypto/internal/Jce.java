package io.srrrs.crypto.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;

/**
 * Ciphers from the JDK's own provider: SunJCE has the AES-NI/AVX-512 intrinsics for GCM, while a
 * provider someone registers first (Bouncy Castle's pure-Java GCM runs at ~0.1 GB/s) may not.
 */
public final class Jce {

    private Jce() {
    }

    public static Cipher aesGcm() {
        return cipher("AES/GCM/NoPadding");
    }

    private static final ThreadLocal<Cipher> THREAD_GCM = ThreadLocal.withInitial(Jce::aesGcm);

    /**
     * This thread's AES-GCM cipher, for code that initialises it before every use (each segment
     * does): provider lookup costs more than encrypting a small object.
     */
    public static Cipher threadAesGcm() {
        return THREAD_GCM.get();
    }

    /** AES in counter mode (S3EC's second pass releases authenticated bytes through it). */
    public static Cipher aesCtr() {
        return cipher("AES/CTR/NoPadding");
    }

    public static Cipher aesKwp() {
        return cipher("AES/KWP/NoPadding");
    }

    private static Cipher cipher(String transformation) {
        try {
            try {
                return Cipher.getInstance(transformation, "SunJCE");
            } catch (NoSuchProviderException e) {
                return Cipher.getInstance(transformation);
            }
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("the JDK offers no " + transformation, e);
        }
    }

    /** Wraps a provider failure that should never happen with valid parameters. */
    public static IllegalStateException unexpected(GeneralSecurityException e) {
        return new IllegalStateException("JCE rejected valid parameters: " + e.getClass().getSimpleName(), e);
    }
}
