package io.srrrs.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * One DRBG (NIST SP 800-90A, 256-bit strength, seeded by the JDK from system entropy) per thread,
 * for the per-object salts and nonces of the encryptors: no global lock and no /dev/urandom read
 * per object, as the default NativePRNG has.
 */
public final class ThreadDrbg {

    private ThreadDrbg() {
    }

    /** A DRBG per thread, personalised with {@code label} (which says what it draws). */
    public static ThreadLocal<SecureRandom> perThread(String label) {
        byte[] personalization = label.getBytes(StandardCharsets.US_ASCII);
        return ThreadLocal.withInitial(() -> {
            try {
                return SecureRandom.getInstance("DRBG",
                        DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, personalization));
            } catch (NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        });
    }
}
