package io.srrrs.crypto.kms;

import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKmsFactory;
import io.srrrs.crypto.kms.pkcs11.Pkcs11KmsFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.ToLongFunction;

/**
 * One way to choose and configure the KMS everywhere it is used (topology, client, CLI): the
 * {@code kms.*} keys, read from whatever configuration the component has. {@code kms.type} picks
 * a {@link KmsFactory}; the keys every provider shares set the {@link DecoratedKms} around it.
 * Secrets may be given inline or, better, as a file ({@code ...password.file}, {@code ...pin.file}).
 *
 * <p>The shared keys are declared once, in {@link CommonKey}: name, documentation, and default
 * taken from {@link DecoratedKms.Config#DEFAULTS}, so the documented default is the one used.
 * The static helpers ({@link #required}, {@link #secret}, {@link #millis}, {@link #requireHttps})
 * are for factories reading their own {@code kms.<type>.*} keys.
 */
public final class KmsConfig {

    /** The key naming the provider. */
    public static final String TYPE = "kms.type";

    private static final String DEFAULT_TYPE = LocalKeystoreKms.TYPE;

    /** Keys shared by every provider, with their documentation: {@link #TYPE}, caches and retries. */
    public static final Map<String, String> COMMON_KEYS = commonKeyDocs();

    /** How a default is shown in the documentation: as is, or with its value in a unit people read. */
    private enum Shown { PLAIN, MILLIS, BYTES }

    /** The keys for the decorators around every provider, each declared once. */
    private enum CommonKey {
        DEK_MAX_AGE("kms.dek.cache.max.age.ms", Shown.MILLIS, c -> c.dekCache().maxAge().toMillis(),
                "Encrypt side: how long one DEK is used for new objects, and so how long a KEK disabled or destroyed"
                + " in the KMS still encrypts new ones (each new DEK is a GenerateDataKey, which every provider"
                + " refuses for such a KEK). Default %s."),
        DEK_MAX_OBJECTS("kms.dek.cache.max.objects", Shown.PLAIN, c -> c.dekCache().maxObjects(),
                "Encrypt side: objects per DEK. Default %s; at most 2^32."),
        DEK_MAX_BYTES("kms.dek.cache.max.bytes", Shown.BYTES, c -> c.dekCache().maxBytes(),
                "Encrypt side: plaintext bytes per DEK. Default %s; at most 2^50."),
        UNWRAP_MAX_ENTRIES("kms.unwrap.cache.max.entries", Shown.PLAIN, c -> c.unwrapCache().maxEntries(),
                "Decrypt side: unwrapped DEKs kept. Default %s."),
        UNWRAP_TTL("kms.unwrap.cache.ttl.ms", Shown.MILLIS, c -> c.unwrapCache().ttl().toMillis(),
                "Decrypt side: how long one is kept; also how long a disabled KEK still works in a running reader."
                + " Default %s."),
        RETRY_MAX_ATTEMPTS("kms.retry.max.attempts", Shown.PLAIN, c -> c.retry().maxAttempts(),
                "Calls in all for a transient KMS failure, the first included. Default %s."),
        RETRY_INITIAL_BACKOFF("kms.retry.initial.backoff.ms", Shown.PLAIN, c -> c.retry().initialBackoff().toMillis(),
                "Upper bound of the first (jittered) wait. Default %s."),
        RETRY_MAX_BACKOFF("kms.retry.max.backoff.ms", Shown.PLAIN, c -> c.retry().maxBackoff().toMillis(),
                "Upper bound of any wait. Default %s.");

        final String key;
        private final Shown shown;
        private final long defaultValue;
        private final String doc;

        CommonKey(String key, Shown shown, ToLongFunction<DecoratedKms.Config> defaultOf, String doc) {
            this.key = key;
            this.shown = shown;
            this.defaultValue = defaultOf.applyAsLong(DecoratedKms.Config.DEFAULTS);
            this.doc = doc;
        }

        long read(Map<String, String> config) {
            return longValue(config, key, defaultValue);
        }

        int readInt(Map<String, String> config) {
            return (int) read(config);
        }

        Duration readMillis(Map<String, String> config) {
            return Duration.ofMillis(read(config));
        }

        String documentation() {
            return doc.formatted(show(shown, defaultValue));
        }
    }

    private KmsConfig() {
    }

    /** The provider alone, without decorators. */
    public static Kms provider(Map<String, String> config) {
        String type = config.getOrDefault(TYPE, DEFAULT_TYPE).trim();
        for (KmsFactory f : factories()) {
            if (f.type().equals(type)) {
                return f.create(config);
            }
        }
        List<String> known = factories().stream().map(KmsFactory::type).toList();
        throw new IllegalArgumentException(TYPE + "=" + type + " is not available; known: " + known
                + " (cloud providers need their module on the class path)");
    }

    /** The provider inside the standard decorator stack, with the cache and retry settings from {@code config}. */
    public static DecoratedKms stack(Map<String, String> config) {
        return DecoratedKms.around(provider(config), stackConfig(config));
    }

    /** The cache and retry settings of {@code config}; a key not given takes its default. */
    public static DecoratedKms.Config stackConfig(Map<String, String> config) {
        return new DecoratedKms.Config(
                new ResilientKms.RetryPolicy(CommonKey.RETRY_MAX_ATTEMPTS.readInt(config),
                        CommonKey.RETRY_INITIAL_BACKOFF.readMillis(config), CommonKey.RETRY_MAX_BACKOFF.readMillis(config)),
                new DekCache.Limits(CommonKey.DEK_MAX_AGE.readMillis(config), CommonKey.DEK_MAX_OBJECTS.read(config),
                        CommonKey.DEK_MAX_BYTES.read(config)),
                new UnwrappedDekCache.Limits(CommonKey.UNWRAP_MAX_ENTRIES.readInt(config),
                        CommonKey.UNWRAP_TTL.readMillis(config)));
    }

    /** Every available provider's factory: the built-in ones first, then those found by ServiceLoader. */
    public static List<KmsFactory> factories() {
        List<KmsFactory> all = new ArrayList<>(List.of(new LocalKeystoreKmsFactory(), new Pkcs11KmsFactory()));
        ServiceLoader.load(KmsFactory.class).forEach(all::add);
        return all;
    }

    // ---- helpers for factories -----------------------------------------------------------------

    /**
     * A secret given in a file ({@code key.file}, its first line; see {@link SecretFiles}) or
     * inline ({@code key}); the file wins when both are given.
     *
     * @throws IllegalArgumentException neither is given, or the file cannot be read
     */
    public static char[] secret(Map<String, String> config, String key) {
        String file = config.get(key + ".file");
        if (file != null && !file.isBlank()) {
            try {
                return SecretFiles.firstLine(Path.of(file.trim())).toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + key + ".file " + file + ": " + e.getMessage());
            }
        }
        String inline = config.get(key);
        if (inline == null) {
            throw new IllegalArgumentException(key + " (or " + key + ".file) is required");
        }
        return inline.toCharArray();
    }

    /** The trimmed value of {@code key}; an {@link IllegalArgumentException} when it is missing or blank. */
    public static String required(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v.trim();
    }

    /** {@code key} as a number of milliseconds, {@code fallback} when it is missing or blank. */
    public static Duration millis(Map<String, String> config, String key, Duration fallback) {
        return Duration.ofMillis(longValue(config, key, fallback.toMillis()));
    }

    /** {@code uri} itself when it is https: DEKs travel over a provider's connection. */
    public static URI requireHttps(URI uri, String key) {
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(key + " must be https: DEKs travel over this connection");
        }
        return uri;
    }

    private static long longValue(Map<String, String> config, String key, long fallback) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    // ---- documentation -------------------------------------------------------------------------

    private static Map<String, String> commonKeyDocs() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put(TYPE, "KMS provider: local, pkcs11, or a type registered by a provider module (aws-kms, vault). Default "
                + DEFAULT_TYPE + ".");
        for (CommonKey k : CommonKey.values()) {
            docs.put(k.key, k.documentation());
        }
        return Collections.unmodifiableMap(docs);
    }

    /** {@code 30000 (30 s)}, {@code 300000 (5 minutes)}, {@code 1099511627776 (1 TiB)}, or the bare number. */
    private static String show(Shown shown, long value) {
        String readable = switch (shown) {
            case PLAIN -> null;
            case MILLIS -> value % 60_000 == 0 ? value / 60_000 + " minutes" : value % 1000 == 0 ? value / 1000 + " s" : null;
            case BYTES -> binaryUnits(value);
        };
        return readable == null ? Long.toString(value) : value + " (" + readable + ")";
    }

    private static String binaryUnits(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + " " + units[i];
            }
        }
        return null;
    }
}
