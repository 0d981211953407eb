package io.srrrs.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metadata text of format v1 (docs/FORMAT.md §6) as {@link IndependentReader} parses it, from
 * the specification alone: required values, canonical base64, and {@code srrrs-context} to §4's
 * canonical bytes C, refusing any spelling that is not the canonical one.
 */
final class IndependentMetadata {

    private IndependentMetadata() {
    }

    static String present(Map<String, String> m, String name) throws IndependentReader.Refused {
        String v = m.get(name);
        if (v == null || v.isEmpty()) {
            throw new IndependentReader.Refused("MALFORMED_METADATA");
        }
        return v;
    }

    /** Standard base64 with padding, canonical: it must re-encode to exactly the same text. */
    static byte[] base64(String text) throws IndependentReader.Refused {
        try {
            byte[] b = Base64.getDecoder().decode(text);
            if (!Base64.getEncoder().encodeToString(b).equals(text)) {
                throw new IndependentReader.Refused("MALFORMED_METADATA");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IndependentReader.Refused("MALFORMED_METADATA");
        }
    }

    /** §6 srrrs-context to §4's C; only the canonical spelling is accepted. */
    static byte[] context(String text) throws IndependentReader.Refused {
        TreeMap<String, String> entries = new TreeMap<>((a, b) -> Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        if (!text.isEmpty()) {
            for (String pair : text.split("&", -1)) {
                int eq = pair.indexOf('=');
                if (eq < 0 || entries.put(unescape(pair.substring(0, eq)), unescape(pair.substring(eq + 1))) != null) {
                    throw new IndependentReader.Refused("MALFORMED_METADATA");
                }
            }
        }
        StringBuilder canonical = new StringBuilder();
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        IndependentReader.u16(c, entries.size());
        for (Map.Entry<String, String> e : entries.entrySet()) {
            canonical.append(canonical.length() == 0 ? "" : "&").append(escape(e.getKey())).append('=')
                    .append(escape(e.getValue()));
            IndependentReader.lp16(c, e.getKey().getBytes(StandardCharsets.UTF_8));
            IndependentReader.lp16(c, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        if (!canonical.toString().equals(text) || entries.size() > 32 || text.length() > 512
                || entries.containsKey("")) {
            throw new IndependentReader.Refused("MALFORMED_METADATA");
        }
        return c.toByteArray();
    }

    private static String unescape(String s) throws IndependentReader.Refused {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (ch < 0x80 && ch != '%') {
                out.write(ch);
            } else {
                throw new IndependentReader.Refused("MALFORMED_METADATA");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IndependentReader.Refused("MALFORMED_METADATA");
        }
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
