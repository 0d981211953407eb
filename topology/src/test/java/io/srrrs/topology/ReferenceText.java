package io.srrrs.topology;

import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.schemas.UriSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PayloadReference written as text, so that fuzz seeds are readable and every mutation of one
 * is still a structurally valid reference, only with other field values. One {@code name=value}
 * per line; names and values are percent-decoded ({@code %00} is a NUL, {@code %2500} the three
 * characters {@code %00}), then read as UTF-8:
 *
 * <pre>
 *   id= bucket= key= kek= contentType= sseC=true
 *   source.inline=DATA | source.canary=LENGTH | source.uri=URI     (default: empty inline data)
 *   sha256=HEX64 | sha256=payload (the SHA-256 of the inline data)
 *   context.NAME=VALUE   meta.NAME=VALUE
 *   twice=true           (the record is sent twice: the second is a duplicate)
 * </pre>
 *
 * In values, {@code ${inbox}}, {@code ${outside}}, {@code ${https}} and {@code ${https-ip}} stand
 * for this run's file root, a directory outside it, and the https payload server by name and by IP.
 */
record ReferenceText(PayloadReference reference, boolean twice) {

    /** Inline payloads made of the canary are capped here: just past the topology's size limit. */
    static final int MAX_CANARY_LENGTH = 1_100_000;

    static ReferenceText parse(byte[] text, Map<String, String> placeholders) {
        PayloadReference.Builder b = PayloadReference.newBuilder().setId("").setBucket("").setKey("")
                .setSource(new InlineSource(ByteBuffer.allocate(0)));
        Map<String, String> context = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        String sha256 = null;
        boolean twice = false;
        for (String line : new String(text, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = decode(eq < 0 ? line : line.substring(0, eq));
            String value = substitute(decode(eq < 0 ? "" : line.substring(eq + 1)), placeholders);
            if (name.startsWith("context.")) {
                context.put(name.substring("context.".length()), value);
                continue;
            }
            if (name.startsWith("meta.")) {
                meta.put(name.substring("meta.".length()), value);
                continue;
            }
            switch (name) {
                case "id" -> b.setId(value);
                case "bucket" -> b.setBucket(value);
                case "key" -> b.setKey(value);
                case "kek" -> b.setKekAlias(value);
                case "contentType" -> b.setContentType(value);
                case "sseC" -> b.setSseC(value.equals("true"));
                case "source.inline" -> b.setSource(new InlineSource(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8))));
                case "source.canary" -> b.setSource(new InlineSource(ByteBuffer.wrap(canary(length(value)))));
                case "source.uri" -> b.setSource(new UriSource(value));
                case "sha256" -> sha256 = value;
                case "twice" -> twice = value.equals("true");
                default -> {
                    // an unknown name is a mutation of a known one: ignored, as a field the record has not
                }
            }
        }
        b.setEncryptionContext(context).setUserMetadata(meta);
        if (sha256 != null) {
            b.setExpectedSha256(new Sha256(sha256(sha256, b.getSource())));
        }
        return new ReferenceText(b.build(), twice);
    }

    /** {@code length} bytes of the canary, repeated: a payload whose every slice is recognisable. */
    static byte[] canary(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = Fixtures.CANARY[i % Fixtures.CANARY.length];
        }
        return b;
    }

    private static int length(String value) {
        try {
            return (int) Math.max(0, Math.min(MAX_CANARY_LENGTH, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static byte[] sha256(String value, Object source) {
        if (value.equals("payload") && source instanceof InlineSource inline) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes(inline.getData()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            byte[] hex = HexFormat.of().parseHex(value);
            if (hex.length == 32) {
                return hex;
            }
        } catch (IllegalArgumentException notHex) {
            // falls through to a hash nothing has
        }
        return new byte[32];
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** %XX to its byte, everything else as it is (Latin-1 in, so every input byte survives); then UTF-8. */
    private static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = i + 2 < s.length() && c == '%' ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String substitute(String value, Map<String, String> placeholders) {
        String v = value;
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            v = v.replace(p.getKey(), p.getValue());
        }
        return v;
    }
}
