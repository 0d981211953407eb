package io.srrrs.topology;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which object format a reference is written in: the one it names or the operator's default, and
 * only one of those the operator allows. Least privilege: by default only format v1 is allowed, as
 * S3EC V2 has no key commitment and is the weaker choice.
 *
 * @param defaultFormat what a reference without a format gets
 * @param allowed       what a reference (or the default) may be written in
 */
record OutputFormats(OutputFormat defaultFormat, Set<OutputFormat> allowed) {

    static final String DEFAULT_KEY = "srrrs.output.format.default";
    static final String ALLOWED_KEY = "srrrs.output.formats.allowed";

    OutputFormats {
        Objects.requireNonNull(defaultFormat, "defaultFormat");
        allowed = Set.copyOf(allowed);
    }

    /** The two keys, in {@link TopologyConfig#DEFINITION}'s group of their own. */
    static void define(ConfigDef def) {
        def.define(DEFAULT_KEY, Type.STRING, OutputFormat.SRRRS_V1.id(), Importance.MEDIUM,
                "The object format of a reference that names none: srrrs-v1 (docs/FORMAT.md), s3ec-v3 or s3ec-v2 "
                        + "(objects the Amazon S3 Encryption Client 4.x and 3.x read). It must be in "
                        + ALLOWED_KEY + ".");
        def.define(ALLOWED_KEY, Type.LIST, OutputFormat.SRRRS_V1.id(), Importance.MEDIUM,
                "The object formats references may ask for; another goes to the DLQ as FORMAT_NOT_ALLOWED. "
                        + "s3ec-v3 commits to its key; s3ec-v2 has no key commitment and is the weaker choice, so "
                        + "list it only for S3EC 3.x readers. With any KMS but aws-kms an S3EC object's DEK is "
                        + "wrapped as S3EC's AES/GCM keyring does, which binds no encryption context: such "
                        + "references must have none (else CONTEXT_NOT_SUPPORTED).");
    }

    /** @throws ConfigException a name is no format, or the default is not allowed; the message names the fix */
    static OutputFormats from(TopologyConfig config) {
        List<String> names = config.getList(ALLOWED_KEY);
        Set<OutputFormat> allowed = EnumSet.noneOf(OutputFormat.class);
        for (String name : names) {
            allowed.add(parse(ALLOWED_KEY, name));
        }
        if (allowed.isEmpty()) {
            throw new ConfigException(ALLOWED_KEY, String.join(",", names), "must list at least one of "
                    + OutputFormat.ids());
        }
        OutputFormat defaultFormat = parse(DEFAULT_KEY, config.getString(DEFAULT_KEY));
        if (!allowed.contains(defaultFormat)) {
            throw new ConfigException(DEFAULT_KEY, defaultFormat.id(), "is not in " + ALLOWED_KEY + " ("
                    + String.join(",", names) + "): add it there or choose one of those");
        }
        return new OutputFormats(defaultFormat, allowed);
    }

    private static OutputFormat parse(String key, String name) {
        try {
            return OutputFormat.parse(name.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, name, "is no output format; use one of " + OutputFormat.ids());
        }
    }

    /**
     * The format {@code requested} (a reference's, or a stored attempt's; null: the default) under
     * a DEK of {@code kmsType}, if allowed.
     *
     * @throws BadReferenceException {@link RejectReason#FORMAT_NOT_ALLOWED} (unknown or not allowed) or
     *                               {@link RejectReason#CONTEXT_NOT_SUPPORTED}
     */
    OutputFormat resolve(String requested, EncryptionContext context, String kmsType) throws BadReferenceException {
        OutputFormat format = requested == null ? defaultFormat : known(requested);
        if (!allowed.contains(format)) {
            throw new BadReferenceException(RejectReason.FORMAT_NOT_ALLOWED, "output format " + format.id()
                    + (requested == null ? " (the default)" : "") + " is not in " + ALLOWED_KEY + " (" + allowedIds()
                    + ")");
        }
        if (format.isS3ec() && WrapAlgorithm.forKms(kmsType) == WrapAlgorithm.AES_GCM && !context.isEmpty()) {
            throw new BadReferenceException(RejectReason.CONTEXT_NOT_SUPPORTED, "output format " + format.id()
                    + " under the " + Sanitizer.text(kmsType) + " KMS wraps the DEK as S3EC's AES/GCM keyring does, "
                    + "which cannot bind an encryption context: use the aws-kms KMS or drop the context");
        }
        return format;
    }

    private OutputFormat known(String requested) throws BadReferenceException {
        try {
            return OutputFormat.parse(requested);
        } catch (IllegalArgumentException e) {
            throw new BadReferenceException(RejectReason.FORMAT_NOT_ALLOWED, "output format '"
                    + Sanitizer.text(requested) + "' is unknown; " + ALLOWED_KEY + " allows " + allowedIds());
        }
    }

    private String allowedIds() {
        return allowed.stream().sorted().map(OutputFormat::id).collect(Collectors.joining(","));
    }
}
