package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.Hkdf;
import io.srrrs.crypto.internal.Jce;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekBinding;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code local} KMS: KEKs (AES-256) in a password-protected PKCS#12 keystore, with versions
 * (rotation), aliases and an enabled/disabled state kept as PKCS#12 attributes, so the keystore's
 * MAC covers them too. The embedded default; one file, guarded like any key file.
 *
 * <p>Wrapped DEK blob v1 (docs/FORMAT.md §7.1):
 * {@code 0x01 ‖ u32 kekVersion ‖ AES-KWP(wrapKey, DEK)} with
 * {@code wrapKey = HKDF-SHA256(KEK_v, salt=∅, "SRRRS local wrap v1" 0x00 ‖ lp16(name) ‖ u32 version ‖ C)},
 * so a DEK only unwraps under its own encryption context.
 *
 * <p>The file is re-read whenever it changes on disk, so a KEK disabled or destroyed by
 * {@code srrrs keys} in another process takes effect here at the next call.
 */
public final class LocalKeystoreKms implements Kms {

    public static final String TYPE = "local";

    /** KEK names: PKCS#12 folds aliases to lower case, so names are lower case to begin with. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ENTRY = Pattern.compile("srrrs-kek/([a-z0-9][a-z0-9._-]{0,63})/([0-9]{1,9})");
    private static final String ALIAS_PREFIX = "alias/";

    // Private OIDs under 2.25 (UUID-based, ITU-T X.667): no registration needed.
    private static final String OID_BASE = "2.25.134289801531967331150688004158661775481";
    private static final String OID_STATE = OID_BASE + ".1";
    private static final String OID_ALIASES = OID_BASE + ".2";
    private static final String OID_CREATED = OID_BASE + ".3";

    private static final byte BLOB_VERSION = 0x01;
    private static final String WRAP_LABEL = "SRRRS local wrap v1";

    public enum State { ENABLED, DISABLED }

    /** What {@code srrrs keys list} shows; no key material. */
    public record KekInfo(String name, int primaryVersion, List<Integer> versions, State state, Set<String> aliases,
                          Instant created) {
    }

    private static final class Kek {
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
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private KeyStore keyStore;
    private Map<String, Kek> keks = Map.of();
    private FileTime loadedModified;
    private long loadedSize = -1;

    private LocalKeystoreKms(Path file, char[] password, Clock clock) {
        this.file = file;
        this.password = password.clone();
        this.clock = clock;
    }

    /** Opens an existing keystore; fails if it is missing or the password is wrong. */
    public static LocalKeystoreKms open(Path file, char[] password) {
        return open(file, password, Clock.systemUTC());
    }

    public static LocalKeystoreKms open(Path file, char[] password, Clock clock) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("local KMS keystore " + file + " does not exist; create a KEK first"
                    + " (srrrs keys create NAME)");
        }
        LocalKeystoreKms kms = new LocalKeystoreKms(file, password, clock);
        kms.loadOrFail();
        return kms;
    }

    /** Opens the keystore, creating an empty one (mode 600) if there is none. */
    public static LocalKeystoreKms openOrCreate(Path file, char[] password) {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
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
        return open(file, password);
    }

    // ---- the SPI -------------------------------------------------------------------------------

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public synchronized KekId resolve(String aliasOrId) throws KmsException {
        refresh();
        return new KekId(kekNamed(aliasOrId).name);
    }

    @Override
    public synchronized DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        refresh();
        Kek k = usable(kek.value());
        byte[] dek = new byte[FormatV1.DEK_LENGTH];
        random.nextBytes(dek);
        DataKey plaintext = DataKey.adopt(dek);
        int version = k.versions.lastKey();
        return new DataKeyPair(plaintext, wrap(k, version, plaintext.material(), context));
    }

    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        refresh();
        requireOurs(wrapped);
        Kek k = usable(wrapped.kek().value());
        byte[] blob = wrapped.blob();
        int version = blobVersion(blob);
        byte[] kekBytes = k.versions.get(version);
        if (kekBytes == null) {
            throw new UnknownKeyException("KEK '" + k.name + "' has no version " + version + " (destroyed?)");
        }
        return unwrapBlob(k.name, blob, kekBytes, context);
    }

    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target)
            throws KmsException {
        try (DataKey dek = unwrap(wrapped, context)) {
            Kek k = usable(target.value());
            return wrap(k, k.versions.lastKey(), dek.material(), context);
        }
    }

    // ---- administration ------------------------------------------------------------------------

    /** Creates KEK {@code name} with version 1. */
    public synchronized KekInfo createKek(String name) throws KmsException {
        refresh();
        requireName(name);
        if (keks.containsKey(name)) {
            throw new IllegalArgumentException("KEK '" + name + "' already exists");
        }
        Kek k = new Kek(name);
        k.created = clock.instant();
        addVersion(k, 1);
        return save(k.name);
    }

    /** Adds a new version that wraps new DEKs from now on; older versions still unwrap. */
    public synchronized KekInfo rotate(String name) throws KmsException {
        refresh();
        Kek k = existing(name);
        addVersion(k, k.versions.lastKey() + 1);
        return save(name);
    }

    /** Stops all wrapping and unwrapping under the KEK; reversible with {@link #enable}. */
    public synchronized KekInfo disable(String name) throws KmsException {
        return setState(name, State.DISABLED);
    }

    public synchronized KekInfo enable(String name) throws KmsException {
        return setState(name, State.ENABLED);
    }

    /**
     * Deletes every version of the KEK from the keystore: crypto-shredding. Every DEK wrapped under
     * it, and so every object, becomes unreadable for good (backups of the keystore aside).
     */
    public synchronized void destroy(String name) throws KmsException {
        refresh();
        Kek k = existing(name);
        try {
            for (int v : k.versions.keySet()) {
                keyStore.deleteEntry(entryName(name, v));
            }
            persist();
        } catch (GeneralSecurityException e) {
            throw unavailable("destroy", e);
        }
    }

    /** Points {@code alias} (letters as for names) at KEK {@code name}. */
    public synchronized KekInfo addAlias(String alias, String name) throws KmsException {
        refresh();
        requireName(alias);
        Kek k = existing(name);
        for (Kek other : keks.values()) {
            if (other.aliases.contains(alias) || other.name.equals(alias)) {
                throw new IllegalArgumentException("'" + alias + "' already names a KEK");
            }
        }
        k.aliases.add(alias);
        rewriteAttributes(k);
        return save(name);
    }

    public synchronized List<KekInfo> listKeks() throws KmsException {
        refresh();
        List<KekInfo> out = new ArrayList<>();
        for (Kek k : keks.values()) {
            out.add(info(k));
        }
        return out;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        zero(keks);
        keks = Map.of();
        Arrays.fill(password, '\0');
    }

    // ---- internals -----------------------------------------------------------------------------

    private WrappedDek wrap(Kek k, int version, byte[] dek, EncryptionContext context) {
        return new WrappedDek(TYPE, new KekId(k.name), wrapBlob(k.name, version, k.versions.get(version), dek, context));
    }

    /** The v1 blob of docs/FORMAT.md §7.1; a pure function, public for test vectors and tools. */
    public static byte[] wrapBlob(String name, int version, byte[] kek, byte[] dek, EncryptionContext context) {
        byte[] wrapKey = wrapKey(name, version, kek, context);
        try {
            Cipher kwp = Jce.aesKwp();
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrapKey, "AES"));
            byte[] wrapped = kwp.doFinal(dek);
            return ByteBuffer.allocate(5 + wrapped.length).put(BLOB_VERSION).putInt(version).put(wrapped).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-KWP failed: " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
        }
    }

    /** Inverse of {@link #wrapBlob}; the blob's version field must already have picked {@code kek}. */
    public static DataKey unwrapBlob(String name, byte[] blob, byte[] kek, EncryptionContext context)
            throws InvalidWrappedKeyException {
        int version = blobVersion(blob);
        byte[] wrapKey = wrapKey(name, version, kek, context);
        try {
            Cipher kwp = Jce.aesKwp();
            kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrapKey, "AES"));
            return DataKey.adopt(kwp.doFinal(blob, 5, blob.length - 5));
        } catch (GeneralSecurityException e) {
            throw new InvalidWrappedKeyException("wrapped DEK does not open under KEK '" + name + "' version "
                    + version + " with this encryption context");
        } finally {
            Arrays.fill(wrapKey, (byte) 0);
        }
    }

    /** The KEK version a v1 blob was wrapped under. */
    public static int blobVersion(byte[] blob) throws InvalidWrappedKeyException {
        if (blob.length != 5 + FormatV1.DEK_LENGTH + 8 || blob[0] != BLOB_VERSION) {
            throw new InvalidWrappedKeyException("wrapped DEK is not a local v1 blob");
        }
        return ByteBuffer.wrap(blob, 1, 4).getInt();
    }

    static byte[] wrapKey(String name, int version, byte[] kek, EncryptionContext context) {
        return Hkdf.derive(kek, null, KekBinding.bytes(WRAP_LABEL, name, version, context), 32);
    }

    private Kek kekNamed(String aliasOrName) throws UnknownKeyException {
        String wanted = aliasOrName.startsWith(ALIAS_PREFIX) ? aliasOrName.substring(ALIAS_PREFIX.length()) : aliasOrName;
        Kek k = keks.get(wanted);
        if (k != null) {
            return k;
        }
        for (Kek candidate : keks.values()) {
            if (candidate.aliases.contains(wanted)) {
                return candidate;
            }
        }
        throw new UnknownKeyException("no KEK or alias named '" + aliasOrName + "' in the local keystore");
    }

    private Kek existing(String name) throws UnknownKeyException {
        Kek k = keks.get(name);
        if (k == null) {
            throw new UnknownKeyException("no KEK named '" + name + "' in the local keystore");
        }
        return k;
    }

    private Kek usable(String name) throws KmsException {
        Kek k = existing(name);
        if (k.state == State.DISABLED) {
            throw new KeyDisabledException("KEK '" + name + "' is disabled");
        }
        return k;
    }

    private void requireOurs(WrappedDek wrapped) throws InvalidWrappedKeyException {
        if (!TYPE.equals(wrapped.kms())) {
            throw new InvalidWrappedKeyException("DEK was wrapped by KMS type '" + wrapped.kms()
                    + "', not by the local keystore");
        }
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("KEK names and aliases are 1-64 of [a-z0-9._-], starting with a letter or digit");
        }
    }

    private KekInfo setState(String name, State state) throws KmsException {
        refresh();
        Kek k = existing(name);
        k.state = state;
        rewriteAttributes(k);
        return save(name);
    }

    private void addVersion(Kek k, int version) throws KmsException {
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
    private void rewriteAttributes(Kek k) throws KmsException {
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

    private Set<KeyStore.Entry.Attribute> attributes(Kek k) {
        Set<KeyStore.Entry.Attribute> attrs = new HashSet<>();
        attrs.add(new PKCS12Attribute(OID_STATE, k.state.name()));
        attrs.add(new PKCS12Attribute(OID_CREATED, k.created.toString()));
        if (!k.aliases.isEmpty()) {
            attrs.add(new PKCS12Attribute(OID_ALIASES, String.join(",", k.aliases)));
        }
        return attrs;
    }

    private KekInfo save(String name) throws KmsException {
        persist();
        return info(keks.get(name));
    }

    private void persist() throws KmsException {
        try {
            writeAtomically(file, keyStore, password);
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("write the keystore", e);
        }
        reload();
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

    private void loadOrFail() {
        try {
            reload();
        } catch (KmsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Re-reads the file when its modification time or size changed since the last read. */
    private void refresh() throws KmsException {
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
            zero(keks);
            keyStore = store;
            keks = loaded;
            loadedModified = modified;
            loadedSize = size;
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("read the keystore", e);
        }
    }

    private KekInfo info(Kek k) {
        return new KekInfo(k.name, k.versions.lastKey(), List.copyOf(k.versions.keySet()), k.state,
                Set.copyOf(k.aliases), k.created);
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
