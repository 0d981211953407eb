package io.srrrs.topology;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What may leave the topology in a DLQ header, a log line or a message: no URI credentials, no
 * query strings (pre-signed URLs carry signatures there), no control characters, bounded length.
 */
public final class Sanitizer {

    private static final int MAX_MESSAGE = 500;
    private static final Pattern URI_IN_TEXT = Pattern.compile("\\b(https?|s3|file)://[^\\s'\"]+");

    private Sanitizer() {
    }

    /** A URI fit to show: scheme, host, port and path only. */
    public static String uri(String raw) {
        try {
            URI u = URI.create(raw);
            StringBuilder sb = new StringBuilder();
            if (u.getScheme() != null) {
                sb.append(u.getScheme()).append(':');
            }
            if (u.getHost() != null) {
                sb.append("//").append(u.getHost());
                if (u.getPort() >= 0) {
                    sb.append(':').append(u.getPort());
                }
            } else if (u.getRawAuthority() != null) {
                sb.append("//");
            }
            if (u.getRawPath() != null) {
                sb.append(u.getRawPath());
            } else if (u.getRawSchemeSpecificPart() != null && u.getHost() == null) {
                String ssp = u.getRawSchemeSpecificPart();
                int q = ssp.indexOf('?');
                sb.append(q >= 0 ? ssp.substring(0, q) : ssp);
            }
            return text(sb.toString());
        } catch (RuntimeException e) {
            return "(unparsable URI)";
        }
    }

    /** Free text fit to show: URIs inside it reduced as {@link #uri}, control characters dropped, bounded. */
    public static String text(String raw) {
        if (raw == null) {
            return "";
        }
        Matcher m = URI_IN_TEXT.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(uriWithoutRecursion(m.group())));
        }
        m.appendTail(out);
        String s = out.toString().replaceAll("[\\p{Cntrl}&&[^\t]]", " ");
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
    }

    private static String uriWithoutRecursion(String raw) {
        try {
            URI u = URI.create(raw);
            String host = u.getHost() == null ? "" : u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
            return u.getScheme() + "://" + host + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (RuntimeException e) {
            return "(URI)";
        }
    }
}
