package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.local.LocalKeystoreKms.State;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PKCS12Attribute;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The file behind {@link LocalKeystoreKms}: a password-protected PKCS#12 keystore with one secret
 * entry per KEK version ({@code srrrs-kek/<name>/<version>}), the KEK's state, aliases and creation
 * time kept as PKCS#12 attributes on every version's entry, so the keystore's MAC covers them too.
 *
 * <p>It decodes the file into {@link Kek}s, re-reads it when its modification time or size
 * changed (another process's {@code srrrs keys} takes effect at the next call), and writes it back
 * atomically with mode 600. It knows nothing of wrapping; the KMS operations are in
 * {@link LocalKeystoreKms}. Not thread-safe: the KMS serialises every call.
 */
final class LocalKeystore {

    private static final Pattern ENTRY = Pattern.compile("srrrs-kek/([a-z0-9][a-z0-9._-]{0,63})/([0-9]{1,9})");

    // Private OIDs under 2.25 (UUID-based, ITU-T X.667): no registration needed.
    private static final String OID_BASE = "2.25.134289801531967331150688004158661775481";
    private static final String OID_STATE = OID_BASE + ".1";
    private static final String OID_ALIASES = OID_BASE + ".2";
    private static final String OID_CREATED = OID_BASE + ".3";

    /** One KEK as read from the file: its versions' key bytes (zeroed on reload and close) and attributes. */
    static final class Kek {
        final String name;
        final TreeMap<Integer, byte[]> versions = new TreeMap<>();
        State state = State.ENABLED;
        Set<String> aliases = new TreeSet<>();
        Instant created = Instant.EPOCH;

        Kek(String name) {
            this.name = name;
        }
    }

    private final Path file;
    private final char[] password;
    private KeyStore keyStore;
    private Map<String, Kek> keks = Map.of();
    private FileTime loadedModified;
    private long loadedSize = -1;

    private LocalKeystore(Path file, char[] password) {
        this.file = file;
        this.password = password.clone();
    }

    /** Reads an existing keystore; fails if it is missing or the password is wrong. */
    static LocalKeystore open(Path file, char[] password) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("local KMS keystore " + file + " does not exist; create a KEK first"
                    + " (srrrs keys create NAME)");
        }
        LocalKeystore store = new LocalKeystore(file, password);
        try {
            store.reload();
        } catch (KmsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return store;
    }

    /** Writes an empty keystore (mode 600) at {@code file}, and its directories, unless one exists. */
    static void createIfMissing(Path file, char[] password) {
        if (Files.exists(file)) {
            return;
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            writeAtomically(file, empty, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create local KMS keystore " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    /** The KEKs by name, as of the last read. */
    Map<String, Kek> keks() {
        return keks;
    }

    /** Re-reads the file when its modification time or size changed since the last read. */
    void refresh() throws KmsException {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!modified.equals(loadedModified) || size != loadedSize) {
                reload();
            }
        } catch (IOException e) {
            throw unavailable("read the keystore", e);
        }
    }

    /** Adds a fresh AES-256 key as {@code version} of {@code k}, in memory until {@link #persist}. */
    void addVersion(Kek k, int version, SecureRandom random) throws KmsException {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, random);
            SecretKey key = generator.generateKey();
            keyStore.setEntry(entryName(k.name, version), new KeyStore.SecretKeyEntry(key, attributes(k)),
                    new KeyStore.PasswordProtection(password));
        } catch (GeneralSecurityException e) {
            throw unavailable("add a key version", e);
        }
    }

    /** KEK-wide attributes live on every version's entry; rewrite them all when they change. */
    void rewriteAttributes(Kek k) throws KmsException {
        try {
            KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
            for (int v : k.versions.keySet()) {
                SecretKey key = (SecretKey) keyStore.getKey(entryName(k.name, v), password);
                keyStore.setEntry(entryName(k.name, v), new KeyStore.SecretKeyEntry(key, attributes(k)), protection);
            }
        } catch (GeneralSecurityException e) {
            throw unavailable("update attributes", e);
        }
    }

    /** Deletes every version of {@code k} and writes the file. */
    void destroy(Kek k) throws KmsException {
        try {
            for (int v : k.versions.keySet()) {
                keyStore.deleteEntry(entryName(k.name, v));
            }
        } catch (GeneralSecurityException e) {
            throw unavailable("destroy", e);
        }
        persist();
    }

    /** Writes the keystore to its file atomically, then re-reads it. */
    void persist() throws KmsException {
        try {
            writeAtomically(file, keyStore, password);
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("write the keystore", e);
        }
        reload();
    }

    /** Zeroes the key bytes held and the password. */
    void close() {
        zero(keks);
        keks = Map.of();
        Arrays.fill(password, '\0');
    }

    private Set<KeyStore.Entry.Attribute> attributes(Kek k) {
        Set<KeyStore.Entry.Attribute> attrs = new HashSet<>();
        attrs.add(new PKCS12Attribute(OID_STATE, k.state.name()));
        attrs.add(new PKCS12Attribute(OID_CREATED, k.created.toString()));
        if (!k.aliases.isEmpty()) {
            attrs.add(new PKCS12Attribute(OID_ALIASES, String.join(",", k.aliases)));
        }
        return attrs;
    }

    private static void writeAtomically(Path file, KeyStore store, char[] password)
            throws IOException, GeneralSecurityException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".keystore", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's permissions must protect it.
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, password);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void reload() throws KmsException {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password);
            } catch (IOException e) {
                throw new KmsUnavailableException("cannot open local KMS keystore " + file
                        + ": wrong password or corrupted file");
            }
            Map<String, Kek> loaded = decode(store);
            zero(keks);
            keyStore = store;
            keks = loaded;
            loadedModified = modified;
            loadedSize = size;
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("read the keystore", e);
        }
    }

    /** The KEKs in {@code store}; entries that are not ours are ignored. */
    private Map<String, Kek> decode(KeyStore store) throws GeneralSecurityException {
        Map<String, Kek> loaded = new TreeMap<>();
        for (String alias : Collections.list(store.aliases())) {
            Matcher m = ENTRY.matcher(alias);
            if (!m.matches() || !store.isKeyEntry(alias)) {
                continue;
            }
            KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) store.getEntry(alias,
                    new KeyStore.PasswordProtection(password));
            Kek k = loaded.computeIfAbsent(m.group(1), Kek::new);
            k.versions.put(Integer.parseInt(m.group(2)), entry.getSecretKey().getEncoded());
            for (KeyStore.Entry.Attribute a : entry.getAttributes()) {
                switch (a.getName()) {
                    case OID_STATE -> k.state = State.valueOf(a.getValue());
                    case OID_CREATED -> k.created = Instant.parse(a.getValue());
                    case OID_ALIASES -> k.aliases = new TreeSet<>(List.of(a.getValue().split(",")));
                    default -> { }
                }
            }
        }
        return loaded;
    }

    private static String entryName(String name, int version) {
        return "srrrs-kek/" + name + "/" + version;
    }

    private static void zero(Map<String, Kek> keks) {
        for (Kek k : keks.values()) {
            k.versions.values().forEach(b -> Arrays.fill(b, (byte) 0));
        }
    }

    private KmsUnavailableException unavailable(String what, Exception e) {
        return new KmsUnavailableException("local KMS could not " + what + " (" + file + "): "
                + e.getClass().getSimpleName(), e);
    }
}
