package io.srrrs.topology;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a reference before anything is fetched or any key is asked for, and names the first
 * thing that is wrong. Turns a valid one into the values the rest of the topology works with.
 */
public final class ReferenceValidator {

    /** S3 bucket naming rules (general purpose buckets). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_LIKE = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** HTTP header token characters, as S3 accepts for x-amz-meta-* names. */
    private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final int MAX_ID = 256;
    private static final int MAX_URI = 8192;

    /** A reference that passed: its identity, context and source kind. */
    public record Valid(PayloadReference reference, ObjectIdentity identity, EncryptionContext context, String scheme) {
    }

    public Valid validate(PayloadReference ref) throws BadReferenceException {
        String id = ref.getId();
        if (id == null || id.isBlank()) {
            throw new BadReferenceException(RejectReason.EMPTY_ID, "reference id is empty");
        }
        if (id.length() > MAX_ID || hasControl(id)) {
            throw new BadReferenceException(RejectReason.INVALID_ID,
                    "reference id must be at most " + MAX_ID + " characters without control characters");
        }
        checkBucket(ref.getBucket());
        checkKey(ref.getKey());
        EncryptionContext context;
        try {
            context = EncryptionContext.of(ref.getEncryptionContext());
        } catch (IllegalArgumentException e) {
            throw new BadReferenceException(RejectReason.INVALID_CONTEXT, e.getMessage());
        }
        checkMetadata(ref.getUserMetadata(), ref.getContentType());
        String scheme = scheme(ref);
        return new Valid(ref, new ObjectIdentity(ref.getBucket(), ref.getKey()), context, scheme);
    }

    static void checkBucket(String bucket) throws BadReferenceException {
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..") || IP_LIKE.matcher(bucket).matches()
                || bucket.startsWith("xn--") || bucket.startsWith("sthree-") || bucket.endsWith("-s3alias")
                || bucket.endsWith("--ol-s3") || bucket.contains(".-") || bucket.contains("-.")) {
            throw new BadReferenceException(RejectReason.INVALID_BUCKET, "bucket '" + Sanitizer.text(String.valueOf(bucket))
                    + "' breaks S3 naming rules (3-63 of a-z 0-9 . -, starting and ending with a letter or digit,"
                    + " not an IP address)");
        }
    }

    static void checkKey(String key) throws BadReferenceException {
        if (key == null || key.isEmpty()) {
            throw new BadReferenceException(RejectReason.INVALID_KEY, "object key is empty");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 1024) {
            throw new BadReferenceException(RejectReason.INVALID_KEY, "object key is " + bytes + " bytes; S3 allows 1024");
        }
        if (hasControl(key)) {
            throw new BadReferenceException(RejectReason.INVALID_KEY, "object key has control characters");
        }
        // Something on the way (an HTTP library, a proxy, the store) may resolve dot segments in a
        // path-style URL, and the key written would not be the one checked here (nor its prefix rule).
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadReferenceException(RejectReason.INVALID_KEY,
                        "object key has a '.' or '..' segment, which path normalisation could turn into another key");
            }
        }
        // An SSE-C object's companion there holds the only readable copy of its wrapped DEK;
        // a reference must not overwrite one, with the key as written or with its slashes collapsed
        // as a path normaliser would (//.srrrs-meta/x). S3 keys are case-sensitive, but a proxy or a
        // case-folding store may not be, and the sink refuses every case too: so do we.
        String collapsed = key.replaceAll("/{2,}", "/").replaceFirst("^/", "").toLowerCase(Locale.ROOT);
        if (collapsed.startsWith(ObjectMetadata.SSE_C_COMPANION_PREFIX)) {
            throw new BadReferenceException(RejectReason.INVALID_KEY,
                    "object keys under " + ObjectMetadata.SSE_C_COMPANION_PREFIX + " are reserved for SSE-C metadata");
        }
    }

    static void checkMetadata(Map<String, String> metadata, String contentType) throws BadReferenceException {
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            // S3 lowercases metadata names: compare as it will store them.
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!METADATA_NAME.matcher(name).matches()) {
                throw new BadReferenceException(RejectReason.INVALID_METADATA,
                        "user metadata name '" + Sanitizer.text(e.getKey()) + "' is not an HTTP header token");
            }
            if (name.startsWith(ObjectMetadata.PREFIX)) {
                throw new BadReferenceException(RejectReason.INVALID_METADATA,
                        "user metadata names starting with srrrs- (in any case) are reserved");
            }
            if (!names.add(name)) {
                throw new BadReferenceException(RejectReason.INVALID_METADATA,
                        "user metadata names '" + name + "' twice, in different cases; S3 keeps one lowercase name");
            }
            if (!printableAscii(e.getValue())) {
                throw new BadReferenceException(RejectReason.INVALID_METADATA,
                        "user metadata value of '" + name + "' must be printable ASCII");
            }
        }
        if (contentType != null && (contentType.length() > 256 || !printableAscii(contentType))) {
            throw new BadReferenceException(RejectReason.INVALID_METADATA, "content type must be printable ASCII, at most 256");
        }
    }

    static String scheme(PayloadReference ref) throws BadReferenceException {
        Object source = ref.getSource();
        if (source instanceof InlineSource) {
            return "inline";
        }
        String uri = ((UriSource) source).getUri();
        checkUri(uri);
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        return switch (scheme) {
            case "file", "s3", "https" -> scheme;
            case "http" -> throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE,
                    "plain http sources are refused; use https");
            default -> throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE,
                    "source URI scheme '" + Sanitizer.text(scheme) + "' is not one of file, s3, https");
        };
    }

    /**
     * A source URI must parse and hold no control character, raw or percent-encoded: a NUL in a
     * path, say, is no file name any source could open, and must never reach one (issue 9: a
     * {@code %00} once killed the stream thread over and over).
     */
    static void checkUri(String uri) throws BadReferenceException {
        if (uri == null || uri.isEmpty() || uri.length() > MAX_URI) {
            throw new BadReferenceException(RejectReason.INVALID_SOURCE, "source URI is empty or longer than " + MAX_URI);
        }
        if (hasControl(uri)) {
            throw new BadReferenceException(RejectReason.INVALID_SOURCE, "source URI has control characters");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new BadReferenceException(RejectReason.INVALID_SOURCE, "source URI does not parse (RFC 3986)");
        }
        for (String decoded : new String[] {parsed.getPath(), parsed.getAuthority(), parsed.getQuery(),
                parsed.getFragment(), parsed.getSchemeSpecificPart()}) {
            if (decoded != null && hasControl(decoded)) {
                throw new BadReferenceException(RejectReason.INVALID_SOURCE,
                        "source URI has percent-encoded control characters (such as %00)");
            }
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }
}
