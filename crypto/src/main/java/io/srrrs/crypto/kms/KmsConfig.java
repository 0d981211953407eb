package io.srrrs.crypto.kms;

import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.kms.pkcs11.Pkcs11Kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * One way to choose and configure the KMS everywhere it is used (topology, client, CLI): the
 * {@code kms.*} keys below, read from whatever configuration the component has. Secrets may be
 * given inline or, better, as a file ({@code ...password.file}, {@code ...pin.file}).
 */
public final class KmsConfig {

    public static final String TYPE = "kms.type";

    /** Keys shared by every provider: caches and retries around it (see {@link DecoratedKms}). */
    public static final Map<String, String> COMMON_KEYS = docs(
            TYPE, "KMS provider: local, pkcs11, or a type registered by a provider module (aws-kms, vault). Default local.",
            "kms.dek.cache.max.age.ms", "Encrypt side: how long one DEK is used for new objects, and so how long a KEK "
                    + "disabled or destroyed in the KMS still encrypts new ones (each new DEK is a GenerateDataKey, "
                    + "which every provider refuses for such a KEK). Default 30000 (30 s).",
            "kms.dek.cache.max.objects", "Encrypt side: objects per DEK. Default 1000000; at most 2^32.",
            "kms.dek.cache.max.bytes", "Encrypt side: plaintext bytes per DEK. Default 1099511627776 (1 TiB); at most 2^50.",
            "kms.unwrap.cache.max.entries", "Decrypt side: unwrapped DEKs kept. Default 1000.",
            "kms.unwrap.cache.ttl.ms", "Decrypt side: how long one is kept; also how long a disabled KEK still works "
                    + "in a running reader. Default 300000 (5 minutes).",
            "kms.retry.max.attempts", "Calls in all for a transient KMS failure, the first included. Default 5.",
            "kms.retry.initial.backoff.ms", "Upper bound of the first (jittered) wait. Default 100.",
            "kms.retry.max.backoff.ms", "Upper bound of any wait. Default 5000.");

    private KmsConfig() {
    }

    /** The provider alone, without decorators. */
    public static Kms provider(Map<String, String> config) {
        String type = config.getOrDefault(TYPE, "local").trim();
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

    public static DecoratedKms.Config stackConfig(Map<String, String> config) {
        DekCache.Limits dek = DekCache.Limits.DEFAULTS;
        UnwrappedDekCache.Limits unwrap = UnwrappedDekCache.Limits.DEFAULTS;
        ResilientKms.RetryPolicy retry = ResilientKms.RetryPolicy.DEFAULTS;
        return new DecoratedKms.Config(
                new ResilientKms.RetryPolicy(
                        integer(config, "kms.retry.max.attempts", retry.maxAttempts()),
                        millis(config, "kms.retry.initial.backoff.ms", retry.initialBackoff()),
                        millis(config, "kms.retry.max.backoff.ms", retry.maxBackoff())),
                new DekCache.Limits(
                        millis(config, "kms.dek.cache.max.age.ms", dek.maxAge()),
                        longValue(config, "kms.dek.cache.max.objects", dek.maxObjects()),
                        longValue(config, "kms.dek.cache.max.bytes", dek.maxBytes())),
                new UnwrappedDekCache.Limits(
                        integer(config, "kms.unwrap.cache.max.entries", unwrap.maxEntries()),
                        millis(config, "kms.unwrap.cache.ttl.ms", unwrap.ttl())));
    }

    /** Every available provider's factory: the built-in ones and those found by ServiceLoader. */
    public static List<KmsFactory> factories() {
        List<KmsFactory> all = new ArrayList<>(List.of(new LocalFactory(), new Pkcs11Factory()));
        ServiceLoader.load(KmsFactory.class).forEach(all::add);
        return all;
    }

    /** A secret given inline ({@code key}) or in a file ({@code key.file}, first line). */
    public static char[] secret(Map<String, String> config, String key) {
        String file = config.get(key + ".file");
        if (file != null && !file.isBlank()) {
            try {
                return Files.readAllLines(Path.of(file.trim())).get(0).trim().toCharArray();
            } catch (IOException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("cannot read " + key + ".file " + file + ": " + e.getMessage());
            }
        }
        String inline = config.get(key);
        if (inline == null) {
            throw new IllegalArgumentException(key + " (or " + key + ".file) is required");
        }
        return inline.toCharArray();
    }

    public static String required(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v.trim();
    }

    private static Duration millis(Map<String, String> config, String key, Duration fallback) {
        return Duration.ofMillis(longValue(config, key, fallback.toMillis()));
    }

    private static int integer(Map<String, String> config, String key, int fallback) {
        return (int) longValue(config, key, fallback);
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

    static Map<String, String> docs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** {@code kms.type=local}. */
    static final class LocalFactory implements KmsFactory {
        @Override
        public String type() {
            return LocalKeystoreKms.TYPE;
        }

        @Override
        public Kms create(Map<String, String> config) {
            Path keystore = Path.of(required(config, "kms.local.keystore"));
            return LocalKeystoreKms.open(keystore, secret(config, "kms.local.password"));
        }

        @Override
        public Map<String, String> documentation() {
            return docs("kms.local.keystore", "Path of the PKCS#12 keystore holding the KEKs (made by srrrs keys create).",
                    "kms.local.password", "Its password (prefer kms.local.password.file).",
                    "kms.local.password.file", "File whose first line is the password.");
        }
    }

    /** {@code kms.type=pkcs11}. */
    static final class Pkcs11Factory implements KmsFactory {
        @Override
        public String type() {
            return Pkcs11Kms.TYPE;
        }

        @Override
        public Kms create(Map<String, String> config) {
            String slot = config.get("kms.pkcs11.slot");
            String index = config.getOrDefault("kms.pkcs11.slot.list.index", "0");
            return Pkcs11Kms.open(new Pkcs11Kms.Config(Path.of(required(config, "kms.pkcs11.library")),
                    slot == null || slot.isBlank() ? -1 : Long.parseLong(slot.trim()), Integer.parseInt(index.trim()),
                    secret(config, "kms.pkcs11.pin")));
        }

        @Override
        public Map<String, String> documentation() {
            return docs("kms.pkcs11.library", "PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.",
                    "kms.pkcs11.slot", "Slot id of the token (default: use kms.pkcs11.slot.list.index).",
                    "kms.pkcs11.slot.list.index", "Index in the module's slot list. Default 0.",
                    "kms.pkcs11.pin", "User PIN (prefer kms.pkcs11.pin.file).",
                    "kms.pkcs11.pin.file", "File whose first line is the PIN.");
        }
    }

}
