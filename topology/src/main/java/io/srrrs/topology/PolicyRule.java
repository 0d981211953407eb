package io.srrrs.topology;

import io.srrrs.crypto.kms.KekAllowList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One of {@code srrrs.policy.rules}: for the references whose tenant (or topic) is {@code name},
 * the KEKs, destination buckets and key prefixes allowed. A field left out does not restrict;
 * what a rule allows is always also held to {@code srrrs.kek.allowed} and {@code srrrs.bucket.allowed}.
 *
 * <p>Written as {@code name:field=v1,v2|field=v3}, rules separated by {@code ;}, e.g.
 * {@code acme:kek=tenant-acme|bucket=acme-data|prefix=acme/;globex:kek=tenant-globex|bucket=globex-*}.
 * The name {@code *} is the rule for every value no other rule names.
 *
 * @param keks     the KEK allow-list of this rule, or null: no restriction beyond srrrs.kek.allowed
 * @param buckets  bucket names or {@code *} patterns, empty: no restriction
 * @param prefixes key prefixes, empty: no restriction
 */
public record PolicyRule(String name, KekAllowList keks, List<String> buckets, List<String> prefixes) {

    public static final String ANY = "*";
    /** What a rule's name may be: a topic name's characters, as a tenant label should be too. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}|\\*");
    private static final List<String> FIELDS = List.of("kek", "bucket", "prefix");

    public PolicyRule {
        buckets = List.copyOf(buckets);
        prefixes = List.copyOf(prefixes);
    }

    /**
     * Parses {@code srrrs.policy.rules}; {@code accounts} ({@code srrrs.kek.allowed.accounts}) hold
     * for each rule's KEKs too.
     *
     * @throws IllegalArgumentException naming the rule and what is wrong with it
     */
    public static Map<String, PolicyRule> parseAll(String text, List<String> accounts) {
        Map<String, PolicyRule> rules = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return rules;
        }
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            PolicyRule rule = parse(part.trim(), accounts);
            if (rules.putIfAbsent(rule.name(), rule) != null) {
                throw new IllegalArgumentException("rule '" + rule.name() + "' is given twice");
            }
        }
        return rules;
    }

    static PolicyRule parse(String text, List<String> accounts) {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a rule is name:field=value|...; the name '" + Sanitizer.text(name)
                    + "' must be 1-128 of A-Z a-z 0-9 . _ - or *");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String body = colon < 0 ? "" : text.substring(colon + 1);
        for (String field : body.split("\\|")) {
            if (field.isBlank()) {
                continue;
            }
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).trim();
            if (eq < 0 || !FIELDS.contains(key)) {
                throw new IllegalArgumentException("rule '" + name + "': '" + Sanitizer.text(field.trim())
                        + "' is not one of kek=..., bucket=..., prefix=...");
            }
            List<String> values = Arrays.stream(field.substring(eq + 1).split(",")).map(String::trim)
                    .filter(v -> !v.isEmpty()).toList();
            if (values.isEmpty() || fields.putIfAbsent(key, values) != null) {
                throw new IllegalArgumentException("rule '" + name + "': " + key + " must be given once, with values");
            }
        }
        List<String> keks = fields.get("kek");
        try {
            return new PolicyRule(name, keks == null ? null : KekAllowList.of(keks, accounts),
                    fields.getOrDefault("bucket", List.of()), fields.getOrDefault("prefix", List.of()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Whether {@code value} is one of {@code entries}: equal, matching a {@code *} pattern, or any for {@code *}. */
    static boolean matchesAny(List<String> entries, String value) {
        for (String e : entries) {
            if (e.equals(ANY) || e.equals(value) || (e.contains("*") && glob(e).matcher(value).matches())) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String entry) {
        return Pattern.compile(Arrays.stream(entry.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.DOTALL);
    }

    /** Why {@code bucket} and {@code key} break this rule, or null when they do not. */
    String breach(String bucket, String key) {
        if (!buckets.isEmpty() && !matchesAny(buckets, bucket)) {
            return "bucket '" + Sanitizer.text(bucket) + "' is not among its buckets (" + String.join(",", buckets) + ")";
        }
        if (!prefixes.isEmpty() && prefixes.stream().noneMatch(key::startsWith)) {
            return "the key is under none of its prefixes (" + String.join(",", prefixes) + ")";
        }
        return null;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (keks != null) {
            parts.add("kek=" + String.join(",", keks.entries()));
        }
        if (!buckets.isEmpty()) {
            parts.add("bucket=" + String.join(",", buckets));
        }
        if (!prefixes.isEmpty()) {
            parts.add("prefix=" + String.join(",", prefixes));
        }
        return name + ":" + String.join("|", parts);
    }
}
