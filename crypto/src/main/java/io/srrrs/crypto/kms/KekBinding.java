package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code L(label) ‖ lp16(kekName) ‖ u32(kekVersion) ‖ C}: what the built-in providers bind a
 * wrapped DEK to (docs/FORMAT.md §7), as HKDF info (local) or GCM AAD (pkcs11).
 */
public final class KekBinding {

    private KekBinding() {
    }

    /**
     * The bytes a provider binds a wrapped DEK to (docs/FORMAT.md §7):
     * {@code label 0x00 ‖ lp16(kekName) ‖ u32 kekVersion ‖ canonical context}.
     */
    public static byte[] bytes(String label, String kekName, int kekVersion, EncryptionContext context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        byte[] name = kekName.getBytes(StandardCharsets.UTF_8);
        out.write(name.length >>> 8);
        out.write(name.length);
        out.writeBytes(name);
        out.writeBytes(ByteBuffer.allocate(4).putInt(kekVersion).array());
        out.writeBytes(context.canonicalBytes());
        return out.toByteArray();
    }
}
