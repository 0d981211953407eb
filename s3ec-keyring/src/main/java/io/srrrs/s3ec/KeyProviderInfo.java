package io.srrrs.s3ec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import software.amazon.encryption.s3.S3EncryptionClientException;
import software.amazon.encryption.s3.materials.EncryptedDataKey;

/**
 * An encrypted data key's "key provider info" (where S3EC keeps the wrapping algorithm name, e.g.
 * {@code AES/GCM}), read and written for S3EC 3.x and 4.x alike: 3.x types it {@code byte[]}, 4.x
 * {@code String}, so one adapter jar compiled against either would fail with NoSuchMethodError
 * against the other. The two accessors are looked up once, by whichever type this S3EC has.
 */
final class KeyProviderInfo {

    private static final MethodHandle GET;
    private static final MethodHandle SET;
    private static final boolean AS_BYTES;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            Class<?> type = EncryptedDataKey.class.getMethod("keyProviderInfo").getReturnType();
            AS_BYTES = type == byte[].class;
            GET = lookup.findVirtual(EncryptedDataKey.class, "keyProviderInfo", MethodType.methodType(type));
            SET = lookup.findVirtual(EncryptedDataKey.Builder.class, "keyProviderInfo",
                    MethodType.methodType(EncryptedDataKey.Builder.class, AS_BYTES ? byte[].class : String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private KeyProviderInfo() {
    }

    /** {@code builder.keyProviderInfo(info)} in this S3EC's type. */
    static EncryptedDataKey.Builder set(EncryptedDataKey.Builder builder, String info) {
        try {
            return (EncryptedDataKey.Builder) SET.invoke(builder,
                    AS_BYTES ? info.getBytes(StandardCharsets.UTF_8) : info);
        } catch (Throwable e) {
            throw new S3EncryptionClientException("cannot set the data key's wrapping algorithm", e);
        }
    }

    /** The data key's key provider info as text (null when S3EC has none). */
    static String get(EncryptedDataKey key) {
        try {
            Object info = GET.invoke(key);
            return info instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) info;
        } catch (Throwable e) {
            throw new S3EncryptionClientException("cannot read the data key's wrapping algorithm", e);
        }
    }
}
