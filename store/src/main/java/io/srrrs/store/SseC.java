package io.srrrs.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The three SSE-C request headers for one object's customer-provided key: algorithm
 * {@code AES256}, the key and its MD5, both base64. Holds the encoded key only as long as the
 * upload or read needs it; {@link #toString()} never shows it.
 */
public final class SseC {

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

    public String algorithm() {
        return ALGORITHM;
    }

    public String keyBase64() {
        return keyBase64;
    }

    public String keyMd5Base64() {
        return keyMd5Base64;
    }

    /** Refuses SSE-C towards a plain-http store: the key would cross the network in clear. */
    public static void requireHttps(StoreConfig store) {
        if (!store.isHttps()) {
            throw new StoreException(StoreException.Kind.PERMANENT, "SSE-C needs an https store; " + store.endpoint()
                    + " is plain http, which would send the customer key in clear", null);
        }
    }

    @Override
    public String toString() {
        return "SseC[AES256, key md5 " + keyMd5Base64 + "]";
    }

}
