package io.srrrs.topology;

import io.srrrs.crypto.kms.KekAllowList;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a reference may have its object written, checked before any key is asked for or any
 * source opened: the destination bucket must be in {@code srrrs.bucket.allowed}, and when
 * {@code srrrs.policy.match} names a context label (or the input topic), the rule for the
 * reference's value of it ({@link PolicyRule}) must allow its bucket and key too. The rule found
 * is handed on, so that {@link KekPolicy} holds the KEK to it as well.
 *
 * <p>Least privilege: an empty bucket allow-list refuses to start (the sink's {@code s3.bucket.name}
 * is required the same way); {@code *} allows any bucket. A reference no rule applies to is refused.
 */
public final class ReferencePolicy {

    static final String TOPIC = "topic";
    static final String CONTEXT = "context.";

    private final List<String> buckets;
    private final String match;
    private final Map<String, PolicyRule> rules;

    ReferencePolicy(List<String> buckets, String match, Map<String, PolicyRule> rules) {
        this.buckets = List.copyOf(buckets);
        this.match = match;
        this.rules = Map.copyOf(rules);
    }

    /** @throws ConfigException when the configuration allows no bucket or its rules do not parse */
    public static ReferencePolicy from(TopologyConfig config) {
        List<String> buckets = config.getList(TopologyConfig.BUCKET_ALLOWED).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        if (buckets.isEmpty()) {
            throw new ConfigException(TopologyConfig.BUCKET_ALLOWED + " is empty: list the destination buckets "
                    + "references may write to, or * for any (the topology refuses to start without it)");
        }
        String match = config.getString(TopologyConfig.POLICY_MATCH).trim();
        String text = config.getString(TopologyConfig.POLICY_RULES);
        Map<String, PolicyRule> rules;
        try {
            rules = PolicyRule.parseAll(text, config.getList(KekAllowList.ACCOUNTS_KEY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TopologyConfig.POLICY_RULES, "(not shown)", e.getMessage());
        }
        if (!match.isEmpty() && !match.equals(TOPIC)
                && !(match.startsWith(CONTEXT) && match.length() > CONTEXT.length())) {
            throw new ConfigException(TopologyConfig.POLICY_MATCH, match, "must be topic or context.<label>");
        }
        if (match.isEmpty() != rules.isEmpty()) {
            throw new ConfigException(match.isEmpty() ? TopologyConfig.POLICY_MATCH + " is empty but "
                    + TopologyConfig.POLICY_RULES + " has rules: say what picks a rule (topic or context.<label>)"
                    : TopologyConfig.POLICY_RULES + " is empty but " + TopologyConfig.POLICY_MATCH + " is set: "
                    + "give at least one rule (a rule named * applies to every value without its own)");
        }
        return new ReferencePolicy(buckets, match, rules);
    }

    /**
     * Checks the reference's destination; returns the rule that applies to it, or null when no
     * rules are configured.
     *
     * @throws BadReferenceException {@link RejectReason#POLICY_DENIED}, naming what was broken
     */
    PolicyRule check(ReferenceValidator.Valid valid, String topic) throws BadReferenceException {
        String bucket = valid.reference().getBucket();
        if (!PolicyRule.matchesAny(buckets, bucket)) {
            throw new BadReferenceException(RejectReason.POLICY_DENIED, "bucket '" + Sanitizer.text(bucket)
                    + "' is not in " + TopologyConfig.BUCKET_ALLOWED);
        }
        if (match.isEmpty()) {
            return null;
        }
        String value = match.equals(TOPIC) ? topic : valid.context().asMap().get(match.substring(CONTEXT.length()));
        PolicyRule rule = value == null ? null : rules.get(value);
        if (rule == null) {
            rule = rules.get(PolicyRule.ANY);
        }
        if (rule == null) {
            throw new BadReferenceException(RejectReason.POLICY_DENIED, value == null
                    ? "the reference has no " + match + ", which " + TopologyConfig.POLICY_MATCH + " picks rules by"
                    : "no rule of " + TopologyConfig.POLICY_RULES + " is for " + match + "=" + Sanitizer.text(value)
                            + " (and there is no * rule)");
        }
        String breach = rule.breach(bucket, valid.reference().getKey());
        if (breach != null) {
            throw new BadReferenceException(RejectReason.POLICY_DENIED, describe(rule) + ": " + breach);
        }
        return rule;
    }

    /** How a DLQ message names a rule: enough to find it in the configuration, no more. */
    String describe(PolicyRule rule) {
        return "rule '" + rule.name() + "' of " + TopologyConfig.POLICY_RULES + " (by " + match + ")";
    }
}
