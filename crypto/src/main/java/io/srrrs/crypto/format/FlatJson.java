package io.srrrs.crypto.format;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;

import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON S3EC keeps an encryption context or material description in ({@code x-amz-t},
 * {@code x-amz-m}, {@code x-amz-matdesc}): one flat object of string values. Written with sorted
 * keys; read strictly (anything else is malformed metadata, not guessed at).
 */
public final class FlatJson {
    private FlatJson() {
    }

    public static String write(Map<String, String> map) {
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(map).forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            quote(out, k);
            out.append(':');
            quote(out, v);
        });
        return out.append('}').toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** @throws CiphertextException MALFORMED_METADATA: not one flat JSON object of strings, or a key twice */
    public static Map<String, String> read(String json, String field) throws CiphertextException {
        Reader r = new Reader(json, field);
        Map<String, String> map = new TreeMap<>();
        r.skipSpace();
        r.expect('{');
        r.skipSpace();
        if (r.peek() == '}') {
            r.pos++;
        } else {
            while (true) {
                r.skipSpace();
                String k = r.string();
                r.skipSpace();
                r.expect(':');
                r.skipSpace();
                String v = r.string();
                if (map.put(k, v) != null) {
                    throw r.bad("key '" + k + "' twice");
                }
                r.skipSpace();
                char c = r.next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw r.bad("expected , or }");
                }
            }
        }
        r.skipSpace();
        if (r.pos != json.length()) {
            throw r.bad("text after the object");
        }
        return map;
    }

    private static final class Reader {
        private final String s;
        private final String field;
        private int pos;

        Reader(String s, String field) {
            this.s = s;
            this.field = field;
        }

        CiphertextException bad(String why) {
            return CiphertextException.of(Failure.MALFORMED_METADATA, field + " is not a flat JSON object of strings: " + why);
        }

        char peek() throws CiphertextException {
            if (pos >= s.length()) {
                throw bad("ends early");
            }
            return s.charAt(pos);
        }

        char next() throws CiphertextException {
            char c = peek();
            pos++;
            return c;
        }

        void expect(char c) throws CiphertextException {
            if (next() != c) {
                throw bad("expected " + c);
            }
        }

        void skipSpace() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        String string() throws CiphertextException {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw bad("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append(unicodeEscape());
                    }
                    default -> throw bad("unknown escape \\" + e);
                }
            }
        }

        /** The four hex digits after a backslash-u: exactly four, nothing Integer.parseInt would also take (a sign). */
        char unicodeEscape() throws CiphertextException {
            if (pos + 4 > s.length()) {
                throw bad("short \\u escape");
            }
            int c = 0;
            for (int i = 0; i < 4; i++) {
                int digit = Character.digit(s.charAt(pos + i), 16);
                if (digit < 0 || s.charAt(pos + i) > 'f') {
                    throw bad("bad \\u escape");
                }
                c = c * 16 + digit;
            }
            pos += 4;
            return (char) c;
        }
    }
}
