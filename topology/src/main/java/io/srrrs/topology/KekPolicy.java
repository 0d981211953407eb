package io.srrrs.topology;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.schemas.PayloadReference;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which KEK alias a reference is encrypted under: its own {@code kekAlias} if references may
 * choose, else the template (as Kroxylicious does with {@code KEK_${topicName}}), else the default.
 * Resolving the alias in the KMS is the caller's next step; an unknown one goes to the DLQ.
 *
 * <p>And whether the KEK it resolved to may be used ({@link #check}): only KEKs on
 * {@code srrrs.kek.allowed} (plus the default, the operator's own choice), held to
 * {@code srrrs.kek.allowed.accounts} for AWS ARNs and to the policy rule that applies. Least
 * privilege: with neither a template nor the reference override, the default is the only KEK; with
 * either, the allow-list must be written out (an empty one refuses to start; {@code *} allows any).
 */
public final class KekPolicy {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    /** What a placeholder value may bring into an alias: no separators, no wildcards. */
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String defaultAlias;
    private final String template;
    private final boolean referenceOverride;
    private final KekAllowList allowed;

    /**
     * @throws ConfigException when the template or the override could pick KEKs and
     *                         {@code allowed} lists none
     */
    public KekPolicy(String defaultAlias, String template, boolean referenceOverride, KekAllowList allowed) {
        this.defaultAlias = defaultAlias == null ? "" : defaultAlias.trim();
        this.template = template == null ? "" : template.trim();
        this.referenceOverride = referenceOverride;
        if (allowed.isEmpty() && (!this.template.isEmpty() || referenceOverride)) {
            throw new ConfigException(KekAllowList.KEY + " is empty, but " + (referenceOverride
                    ? TopologyConfig.KEK_REFERENCE_OVERRIDE + " lets references" : TopologyConfig.KEK_TEMPLATE + " can")
                    + " pick other KEKs than " + TopologyConfig.KEK_DEFAULT + ": list the KEKs they may pick "
                    + "(names, aliases, patterns such as tenant-*), or * for any the KMS credentials can use");
        }
        this.allowed = this.defaultAlias.isEmpty() ? allowed : allowed.with(this.defaultAlias);
    }

    /** @throws ConfigException as the constructor, or when an allow-list entry is malformed */
    public static KekPolicy from(TopologyConfig config) {
        KekAllowList allowed;
        try {
            allowed = KekAllowList.of(config.getList(KekAllowList.KEY), config.getList(KekAllowList.ACCOUNTS_KEY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return new KekPolicy(config.getString(TopologyConfig.KEK_DEFAULT), config.getString(TopologyConfig.KEK_TEMPLATE),
                config.getBoolean(TopologyConfig.KEK_REFERENCE_OVERRIDE), allowed);
    }

    /**
     * Refuses a resolved KEK that is not allowed, before any DEK is asked for under it. Alias
     * entries are resolved through {@code kms} (cached), so this may fail as the KMS does.
     *
     * @param rule            the policy rule that applies ({@link ReferencePolicy#check}), or null
     * @param ruleDescription how the DLQ message names that rule
     */
    void check(KekId kek, Kms kms, PolicyRule rule, String ruleDescription) throws BadReferenceException, KmsException {
        if (!allowed.allows(kek, kms)) {
            throw new BadReferenceException(RejectReason.KEK_NOT_ALLOWED, "KEK '" + Sanitizer.text(kek.value())
                    + "' is not allowed by " + KekAllowList.KEY
                    + (allowed.accounts().isEmpty() ? "" : " and " + KekAllowList.ACCOUNTS_KEY));
        }
        if (rule != null && rule.keks() != null && !rule.keks().allows(kek, kms)) {
            throw new BadReferenceException(RejectReason.KEK_NOT_ALLOWED, "KEK '" + Sanitizer.text(kek.value())
                    + "' is not allowed by " + ruleDescription + ": its KEKs are " + String.join(",", rule.keks().entries()));
        }
    }

    /** What is allowed, for the start-up log line. */
    List<String> allowedEntries() {
        return allowed.entries();
    }

    public String aliasFor(PayloadReference ref, EncryptionContext context, String topic) throws BadReferenceException {
        if (ref.getKekAlias() != null && !ref.getKekAlias().isBlank()) {
            if (!referenceOverride) {
                throw new BadReferenceException(RejectReason.KEK_NOT_ALLOWED,
                        "the reference names a KEK, but " + TopologyConfig.KEK_REFERENCE_OVERRIDE + " is false");
            }
            return ref.getKekAlias().trim();
        }
        if (!template.isEmpty()) {
            return expand(ref, context, topic);
        }
        if (!defaultAlias.isEmpty()) {
            return defaultAlias;
        }
        throw new BadReferenceException(RejectReason.NO_KEK,
                "no KEK: the reference names none and neither srrrs.kek.template nor srrrs.kek.default is set");
    }

    private String expand(PayloadReference ref, EncryptionContext context, String topic) throws BadReferenceException {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (name.equals("topic")) {
                value = topic;
            } else if (name.equals("bucket")) {
                value = ref.getBucket();
            } else if (name.startsWith("context.")) {
                value = context.asMap().get(name.substring("context.".length()));
            } else {
                throw new BadReferenceException(RejectReason.NO_KEK, "srrrs.kek.template has an unknown placeholder ${"
                        + name + "}");
            }
            if (value == null) {
                throw new BadReferenceException(RejectReason.NO_KEK,
                        "the KEK template needs ${" + name + "} and the reference has none");
            }
            if (!SAFE_VALUE.matcher(value).matches()) {
                throw new BadReferenceException(RejectReason.NO_KEK,
                        "the value of ${" + name + "} cannot be part of a KEK alias (1-64 of A-Z a-z 0-9 . _ -)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
