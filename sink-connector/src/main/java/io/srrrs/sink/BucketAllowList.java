package io.srrrs.sink;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code s3.bucket.name}: the buckets this connector may write (DECISIONS D20). Each entry is an
 * exact bucket name, a prefix pattern {@code name-prefix*}, or {@code *} for any bucket the
 * credentials reach. The list is required: a sink that writes wherever a chunk says is a choice
 * the operator has to spell out, not a default.
 *
 * @param entries the entries as configured, none empty
 */
record BucketAllowList(List<String> entries) {

    static final String ANY = "*";
    /** An exact name or a prefix before one trailing {@code *}: letters, digits, '.', '-', '_' only. */
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9._-]+\\*?|\\*");

    static final String REQUIRED_WHY = "must name the buckets this connector may write: exact names, name-prefix* "
            + "patterns, or * for any bucket the credentials reach (an empty list is refused)";

    /** Refuses an empty list or a malformed entry at validate time and at start, naming the key. */
    static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = value instanceof List<?> l ? l : List.of();
            if (list.stream().allMatch(e -> String.valueOf(e).isBlank())) {
                throw new ConfigException(name, value, REQUIRED_WHY);
            }
            for (Object entry : list) {
                if (!ENTRY.matcher(String.valueOf(entry)).matches()) {
                    throw new ConfigException(name, entry, "each entry is a bucket name, a name-prefix* pattern "
                            + "(one * at the end) or *");
                }
            }
        }

        @Override
        public String toString() {
            return "bucket names, name-prefix* patterns or *; at least one";
        }
    };

    BucketAllowList {
        entries = List.copyOf(entries);
    }

    boolean allows(String bucket) {
        for (String e : entries) {
            boolean match = e.endsWith(ANY) ? bucket.startsWith(e.substring(0, e.length() - 1)) : bucket.equals(e);
            if (match) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries that name one bucket: the start-up sweep of abandoned uploads lists these only,
     * as a pattern names no bucket to list.
     */
    List<String> exactNames() {
        return entries.stream().filter(e -> !e.endsWith(ANY)).toList();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
