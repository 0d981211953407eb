package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.ObjectMetadata.ForeignKek;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FlatJson;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The object metadata of an S3EC object (docs/S3EC.md §2), both ways: the {@code x-amz-*} keys S3EC
 * 3.x (V2) and 4.x (V3) write and read, beside our {@code srrrs-format}, {@code srrrs-kms},
 * {@code srrrs-kek-id} and {@code srrrs-sse-c}. Keys are without the {@code x-amz-meta-} prefix.
 */
final class S3ecMetadata {
    static final String CONTENT_CIPHER_V3 = "x-amz-c";
    static final String DATA_KEY_V3 = "x-amz-3";
    static final String WRAP_ALG_V3 = "x-amz-w";
    static final String MESSAGE_ID_V3 = "x-amz-i";
    static final String COMMITMENT_V3 = "x-amz-d";
    static final String CONTEXT_V3 = "x-amz-t";
    static final String MATDESC_V3 = "x-amz-m";
    static final String DATA_KEY_V2 = "x-amz-key-v2";
    static final String IV_V2 = "x-amz-iv";
    static final String CEK_ALG_V2 = "x-amz-cek-alg";
    static final String TAG_LEN_V2 = "x-amz-tag-len";
    static final String WRAP_ALG_V2 = "x-amz-wrap-alg";
    static final String MATDESC_V2 = "x-amz-matdesc";
    static final String DATA_KEY_V1 = "x-amz-key";
    static final String INSTRUCTION_FILE = "x-amz-crypto-instr-file";
    /** The context key S3EC reserves for the content algorithm in a kms+context wrap. */
    static final String RESERVED_CONTEXT_KEY = "aws:x-amz-cek-alg";

    private static final Base64.Encoder B64 = Base64.getEncoder();

    private S3ecMetadata() {
    }

    /** An S3EC wrap binds an encryption context only through the KMS (kms+context). */
    static void requireValid(S3ecContent content, WrappedDek wrapped, EncryptionContext context) {
        if (content.wrap() != WrapAlgorithm.forKms(wrapped.kms())) {
            throw new IllegalArgumentException(wrapped.kms() + " wraps S3EC DEKs with "
                    + WrapAlgorithm.forKms(wrapped.kms()).s3ecName() + ", not " + content.wrap().s3ecName());
        }
        if (content.wrap() == WrapAlgorithm.AES_GCM && !context.isEmpty()) {
            throw new IllegalArgumentException("an S3EC object wrapped with AES/GCM cannot bind an encryption context;"
                    + " use aws-kms (kms+context) or format srrrs-v1");
        }
        if (context.asMap().containsKey(RESERVED_CONTEXT_KEY)) {
            throw new IllegalArgumentException(RESERVED_CONTEXT_KEY + " is reserved by S3EC");
        }
    }

    /** True when any key S3EC writes on an encrypted object is present. */
    static boolean isS3ec(Map<String, String> lowerCased) {
        return lowerCased.containsKey(DATA_KEY_V3) || lowerCased.containsKey(DATA_KEY_V2)
                || lowerCased.containsKey(DATA_KEY_V1) || lowerCased.containsKey(CONTENT_CIPHER_V3)
                || lowerCased.containsKey(INSTRUCTION_FILE);
    }

    /** The KMS encryption context a kms+context wrap is made under: the object's plus the reserved key. */
    static Map<String, String> kmsContext(Version version, EncryptionContext context) {
        Map<String, String> all = new TreeMap<>(context.asMap());
        all.put(RESERVED_CONTEXT_KEY, version.cekAlgorithm());
        return all;
    }

    static Map<String, String> toMap(S3ecContent content, WrappedDek wrapped, EncryptionContext context, boolean sseC) {
        Map<String, String> m = new LinkedHashMap<>();
        String key = B64.encodeToString(wrapped.blob());
        String json = content.wrap() == WrapAlgorithm.KMS_CONTEXT
                ? FlatJson.write(kmsContext(content.version(), context)) : null;
        if (content.version() == Version.V3) {
            m.put(CONTENT_CIPHER_V3, S3ecContent.SUITE_ID_V3);
            m.put(DATA_KEY_V3, key);
            m.put(WRAP_ALG_V3, content.wrap().compressed());
            m.put(MESSAGE_ID_V3, B64.encodeToString(content.nonce()));
            m.put(COMMITMENT_V3, B64.encodeToString(content.commitment()));
            if (json != null) {
                m.put(CONTEXT_V3, json);
            }
        } else {
            m.put(DATA_KEY_V2, key);
            m.put(IV_V2, B64.encodeToString(content.nonce()));
            m.put(CEK_ALG_V2, S3ecContent.CEK_ALGORITHM_V2);
            m.put(TAG_LEN_V2, "128");
            m.put(WRAP_ALG_V2, content.wrap().s3ecName());
            m.put(MATDESC_V2, json != null ? json : "{}");
        }
        m.put(ObjectMetadata.FORMAT, content.outputFormat().id());
        m.put(ObjectMetadata.KMS, wrapped.kms());
        m.put(ObjectMetadata.KEK_ID, wrapped.kek().value());
        if (sseC) {
            m.put(ObjectMetadata.SSE_C, "AES256");
        }
        return m;
    }

    static ObjectMetadata fromMap(Map<String, String> m, ForeignKek foreign) throws CiphertextException {
        int keys = (m.containsKey(DATA_KEY_V1) ? 1 : 0) + (m.containsKey(DATA_KEY_V2) ? 1 : 0)
                + (m.containsKey(DATA_KEY_V3) ? 1 : 0);
        if (keys > 1) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, "more than one of x-amz-key, x-amz-key-v2, x-amz-3");
        }
        if (m.containsKey(INSTRUCTION_FILE) || keys == 0) {
            throw CiphertextException.of(Failure.UNSUPPORTED_VERSION,
                    "an S3EC object whose key is in an instruction file; instruction files are not read");
        }
        if (m.containsKey(DATA_KEY_V1)) {
            throw CiphertextException.of(Failure.UNSUPPORTED_VERSION,
                    "an S3EC V1 object (x-amz-key: AES-CBC, unauthenticated); not read");
        }
        return m.containsKey(DATA_KEY_V3) ? fromV3(m, foreign) : fromV2(m, foreign);
    }

    private static ObjectMetadata fromV3(Map<String, String> m, ForeignKek foreign) throws CiphertextException {
        String suite = ObjectMetadata.require(m, CONTENT_CIPHER_V3);
        if (!suite.equals(S3ecContent.SUITE_ID_V3)) {
            throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "S3EC content suite " + suite + "; reads 115");
        }
        WrapAlgorithm wrap = switch (ObjectMetadata.require(m, WRAP_ALG_V3)) {
            case "02" -> WrapAlgorithm.AES_GCM;
            case "12" -> WrapAlgorithm.KMS_CONTEXT;
            default -> throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM,
                    "S3EC wrapping " + m.get(WRAP_ALG_V3) + "; reads 02 (AES/GCM) and 12 (kms+context)");
        };
        byte[] messageId = decode(m, MESSAGE_ID_V3);
        byte[] commitment = decode(m, COMMITMENT_V3);
        S3ecContent content = content(Version.V3, wrap, messageId, commitment);
        return build(m, content, decode(m, DATA_KEY_V3), kmsContextJson(m, wrap, CONTEXT_V3), foreign);
    }

    private static ObjectMetadata fromV2(Map<String, String> m, ForeignKek foreign) throws CiphertextException {
        String cek = ObjectMetadata.require(m, CEK_ALG_V2);
        if (!cek.equals(S3ecContent.CEK_ALGORITHM_V2)) {
            throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "S3EC content cipher " + cek
                    + "; reads AES/GCM/NoPadding only (CBC and CTR are unauthenticated)");
        }
        String tagLength = m.getOrDefault(TAG_LEN_V2, "128");
        if (!tagLength.equals("128")) {
            throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "S3EC tag length " + tagLength);
        }
        String wrapName = ObjectMetadata.require(m, WRAP_ALG_V2);
        WrapAlgorithm wrap = switch (wrapName) {
            case "AES/GCM" -> WrapAlgorithm.AES_GCM;
            case "kms+context" -> WrapAlgorithm.KMS_CONTEXT;
            default -> throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "S3EC wrapping " + wrapName
                    + "; reads AES/GCM and kms+context");
        };
        S3ecContent content = content(Version.V2, wrap, decode(m, IV_V2), new byte[0]);
        return build(m, content, decode(m, DATA_KEY_V2), kmsContextJson(m, wrap, MATDESC_V2), foreign);
    }

    /**
     * The JSON of a kms+context object's KMS encryption context, which S3EC always writes (it holds
     * at least the reserved key); null for AES/GCM, whose material description is not read.
     */
    private static String kmsContextJson(Map<String, String> m, WrapAlgorithm wrap, String key)
            throws CiphertextException {
        return wrap == WrapAlgorithm.KMS_CONTEXT ? ObjectMetadata.require(m, key) : null;
    }

    private static S3ecContent content(Version v, WrapAlgorithm wrap, byte[] nonce, byte[] commitment)
            throws CiphertextException {
        try {
            return new S3ecContent(v, wrap, nonce, commitment);
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, e.getMessage());
        }
    }

    private static ObjectMetadata build(Map<String, String> m, S3ecContent content, byte[] blob, String kmsContextJson,
                                        ForeignKek foreign) throws CiphertextException {
        String kms = m.get(ObjectMetadata.KMS);
        String kek = m.get(ObjectMetadata.KEK_ID);
        if (kms == null || kek == null) {
            if (foreign == null) {
                throw CiphertextException.of(Failure.MALFORMED_METADATA, "an S3EC object that names no "
                        + ObjectMetadata.KEK_ID + " (written by an S3EC application): tell the reader which KEK to use");
            }
            kms = content.wrap() == WrapAlgorithm.KMS_CONTEXT ? "aws-kms" : foreign.kms();
            kek = foreign.kek().value();
        }
        String format = m.get(ObjectMetadata.FORMAT);
        if (format != null && !format.equals(content.outputFormat().id())) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, ObjectMetadata.FORMAT + " " + format
                    + " does not match the S3EC keys present (" + content.outputFormat().id() + ")");
        }
        EncryptionContext context = EncryptionContext.of(Map.of());
        if (kmsContextJson != null) {
            Map<String, String> all = new TreeMap<>(FlatJson.read(kmsContextJson, "the KMS encryption context"));
            String reserved = all.remove(RESERVED_CONTEXT_KEY);
            if (!content.version().cekAlgorithm().equals(reserved)) {
                throw CiphertextException.of(Failure.MALFORMED_METADATA, "the KMS encryption context's "
                        + RESERVED_CONTEXT_KEY + " is not " + content.version().cekAlgorithm());
            }
            context = context(all);
        }
        String sseC = m.get(ObjectMetadata.SSE_C);
        if (sseC != null && !sseC.equals("AES256")) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, ObjectMetadata.SSE_C + " must be AES256");
        }
        try {
            return new ObjectMetadata(content, new WrappedDek(kms, new KekId(kek), blob), context, sseC != null);
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, "malformed S3EC metadata: " + e.getMessage());
        }
    }

    private static EncryptionContext context(Map<String, String> map) throws CiphertextException {
        try {
            return EncryptionContext.of(map);
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, "the KMS encryption context: " + e.getMessage());
        }
    }

    private static byte[] decode(Map<String, String> m, String key) throws CiphertextException {
        return FormatHeader.decodeCanonicalBase64(ObjectMetadata.require(m, key), key);
    }
}
