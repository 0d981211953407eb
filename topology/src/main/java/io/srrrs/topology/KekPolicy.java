package io.srrrs.topology;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.schemas.PayloadReference;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which KEK alias a reference is encrypted under: its own {@code kekAlias} if references may
 * choose, else the template (as Kroxylicious does with {@code KEK_${topicName}}), else the default.
 * Resolving the alias in the KMS is the caller's next step; an unknown one goes to the DLQ.
 */
public final class KekPolicy {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    /** What a placeholder value may bring into an alias: no separators, no wildcards. */
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String defaultAlias;
    private final String template;
    private final boolean referenceOverride;

    public KekPolicy(String defaultAlias, String template, boolean referenceOverride) {
        this.defaultAlias = defaultAlias == null ? "" : defaultAlias.trim();
        this.template = template == null ? "" : template.trim();
        this.referenceOverride = referenceOverride;
    }

    public static KekPolicy from(TopologyConfig config) {
        return new KekPolicy(config.getString(TopologyConfig.KEK_DEFAULT), config.getString(TopologyConfig.KEK_TEMPLATE),
                config.getBoolean(TopologyConfig.KEK_REFERENCE_OVERRIDE));
    }

    public String aliasFor(PayloadReference ref, EncryptionContext context, String topic) throws BadReferenceException {
        if (ref.getKekAlias() != null && !ref.getKekAlias().isBlank()) {
            if (!referenceOverride) {
                throw new BadReferenceException(RejectReason.NO_KEK,
                        "the reference names a KEK, but srrrs.kek.reference.override is false");
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
