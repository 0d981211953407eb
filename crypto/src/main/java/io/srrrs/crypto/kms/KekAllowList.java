package io.srrrs.crypto.kms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which KEKs may be used, as the operator lists them ({@value #KEY}): the topology encrypts only
 * under these and readers open only objects whose {@code srrrs-kek-id} is one of these, so neither
 * a producer nor whoever can write to the bucket can point our KMS calls at a key of their own.
 *
 * <p>An entry is {@code *} (any KEK the KMS credentials can use), a pattern with {@code *} (matched
 * against the KEK id: {@code tenant-*}, {@code arn:aws:kms:*:111122223333:key/*}), or a name or
 * alias, which allows the KEK it resolves to in the KMS ({@code alias/orders} allows that alias's
 * key ARN). For AWS KMS, {@value #ACCOUNTS_KEY} additionally restricts every ARN, whatever entry
 * matched it, to the listed accounts. An empty list allows nothing; each component says what it
 * takes as its default. Thread-safe.
 */
public final class KekAllowList {

    /** The configuration key of the allowed KEKs (topology and client). */
    public static final String KEY = "srrrs.kek.allowed";
    /** The configuration key of the AWS accounts every KEK ARN must belong to. */
    public static final String ACCOUNTS_KEY = "srrrs.kek.allowed.accounts";
    /** The entry that allows every KEK the KMS credentials can use. */
    public static final String ANY = "*";

    /** How long an alias's resolution is trusted before it is asked again (an alias can be repointed). */
    private static final long ALIAS_TTL_NANOS = 60_000_000_000L;
    private static final Pattern ARN = Pattern.compile("arn:[a-z-]+:kms:[a-z0-9-]*:(\\d{12}):.+");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private final List<String> entries;
    private final List<String> accounts;
    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, Resolved> aliases = new ConcurrentHashMap<>();

    private record Resolved(KekId id, long expiresAt) {
    }

    private KekAllowList(List<String> entries, List<String> accounts) {
        this.entries = List.copyOf(entries);
        this.accounts = List.copyOf(accounts);
        for (String e : this.entries) {
            if (e.isEmpty() || e.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
                throw new IllegalArgumentException(KEY + ": an entry must be printable ASCII without spaces");
            }
            if (e.contains("*")) {
                patterns.add(glob(e));
            }
        }
        for (String a : this.accounts) {
            if (!ACCOUNT.matcher(a).matches()) {
                throw new IllegalArgumentException(ACCOUNTS_KEY + ": an AWS account id is 12 digits, not '" + a + "'");
            }
        }
    }

    /**
     * A list of {@code entries} (names, aliases, {@code *} patterns, or {@link #ANY}) restricted to
     * {@code accounts} (empty: any account).
     */
    public static KekAllowList of(List<String> entries, List<String> accounts) {
        return new KekAllowList(entries, accounts);
    }

    /** From comma-separated lists, as configuration gives them; null or blank is an empty list. */
    public static KekAllowList parse(String entries, String accounts) {
        return new KekAllowList(split(entries), split(accounts));
    }

    /** From a component's configuration map ({@value #KEY}, {@value #ACCOUNTS_KEY}). */
    public static KekAllowList from(Map<String, ?> config) {
        return parse(string(config.get(KEY)), string(config.get(ACCOUNTS_KEY)));
    }

    /** Any KEK (still restricted to {@code accounts} for AWS ARNs when those are given). */
    public static KekAllowList any(List<String> accounts) {
        return new KekAllowList(List.of(ANY), accounts);
    }

    /** This list with one more entry (a component's own default KEK, say). */
    public KekAllowList with(String entry) {
        List<String> more = new ArrayList<>(entries);
        more.add(entry.trim());
        return new KekAllowList(more, accounts);
    }

    /** True when no entry was given: nothing is allowed. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** True when {@link #ANY} is an entry. */
    public boolean allowsAny() {
        return entries.contains(ANY);
    }

    /** The entries as given. */
    public List<String> entries() {
        return entries;
    }

    /** The AWS accounts as given. */
    public List<String> accounts() {
        return accounts;
    }

    /** {@link KekNotAllowedException} unless {@code kek} is allowed; aliases are resolved through {@code kms}. */
    public void check(KekId kek, Kms kms) throws KmsException {
        if (!allows(kek, kms)) {
            throw new KekNotAllowedException("KEK " + kek.value() + " is not allowed by " + KEY
                    + (accounts.isEmpty() ? "" : " and " + ACCOUNTS_KEY));
        }
    }

    /**
     * Whether {@code kek} is allowed; aliases among the entries are resolved through {@code kms} (and
     * cached briefly).
     */
    public boolean allows(KekId kek, Kms kms) throws KmsException {
        Objects.requireNonNull(kek, "kek");
        if (!accountAllowed(kek.value())) {
            return false;
        }
        if (allowsAny() || entries.contains(kek.value())) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(kek.value()).matches()) {
                return true;
            }
        }
        for (String e : entries) {
            if (!e.contains("*") && kek.equals(resolve(e, kms))) {
                return true;
            }
        }
        return false;
    }

    private boolean accountAllowed(String id) {
        if (accounts.isEmpty()) {
            return true;
        }
        var m = ARN.matcher(id);
        return !m.matches() || accounts.contains(m.group(1));
    }

    /** The KEK an alias entry names now, or null when the KMS knows no such key. */
    private KekId resolve(String alias, Kms kms) throws KmsException {
        long now = System.nanoTime();
        Resolved r = aliases.get(alias);
        if (r != null && now - r.expiresAt() < 0) {
            return r.id();
        }
        KekId id;
        try {
            id = kms.resolve(alias);
        } catch (UnknownKeyException e) {
            id = null;
        }
        aliases.put(alias, new Resolved(id, now + ALIAS_TTL_NANOS));
        return id;
    }

    private static Pattern glob(String entry) {
        return Pattern.compile(Arrays.stream(entry.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.DOTALL);
    }

    private static List<String> split(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return KEY + "=" + String.join(",", entries)
                + (accounts.isEmpty() ? "" : " " + ACCOUNTS_KEY + "=" + String.join(",", accounts));
    }
}
