package io.srrrs.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * One object's customer-provided key (SSE-C) in the form the store wants it: algorithm
 * {@code AES256}, the key and its MD5, both base64; and the one rule for sending it: only over
 * https ({@link #allowedOver}). {@link SseCHeaders} puts it on requests. Holds the encoded key
 * only as long as the upload or read needs it; {@link #toString()} never shows it.
 */
public final class SseC {

    /** The only SSE-C algorithm S3 defines. */
    public static final String ALGORITHM = "AES256";

    private final String keyBase64;
    private final String keyMd5Base64;

    private SseC(String keyBase64, String keyMd5Base64) {
        this.keyBase64 = keyBase64;
        this.keyMd5Base64 = keyMd5Base64;
    }

    /** From a 32-byte key; the caller zeroes its array afterwards. */
    public static SseC of(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an SSE-C key is 32 bytes");
        }
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(key);
            return new SseC(Base64.getEncoder().encodeToString(key), Base64.getEncoder().encodeToString(md5));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** As {@link #of}, then zeroes {@code key} (also when it is refused). */
    public static SseC consuming(byte[] key) {
        try {
            return of(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** {@value #ALGORITHM}. */
    public String algorithm() {
        return ALGORITHM;
    }

    /** The key, base64: for {@link SseCHeaders} only; never log it. */
    public String keyBase64() {
        return keyBase64;
    }

    /** The key's MD5, base64 (the store checks the key against it; safe to show). */
    public String keyMd5Base64() {
        return keyMd5Base64;
    }

    /**
     * The one SSE-C transport rule: a customer key is only ever sent over https, where AWS's own
     * regional endpoint (no endpoint configured) counts as https.
     */
    public static boolean allowedOver(StoreConfig store) {
        return store.isHttps();
    }

    /** Refuses SSE-C towards a plain-http store: the key would cross the network in clear. */
    public static void requireHttps(StoreConfig store) {
        requireHttps(allowedOver(store), String.valueOf(store.endpoint()));
    }

    /**
     * {@link #requireHttps(StoreConfig)} for a caller that holds only whether its store speaks
     * https ({@code where}: the store or object named in the refusal).
     */
    public static void requireHttps(boolean https, String where) {
        if (!https) {
            throw new StoreException(StoreException.Kind.PERMANENT, "SSE-C needs an https store; " + where
                    + " is plain http, which would send the customer key in clear; use the store's https endpoint", null);
        }
    }

    @Override
    public String toString() {
        return "SseC[AES256, key md5 " + keyMd5Base64 + "]";
    }
}
