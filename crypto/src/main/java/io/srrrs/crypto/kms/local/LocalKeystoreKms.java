package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.S3ecAesGcmKeyring;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystore.Kek;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * The {@code local} KMS: KEKs (AES-256) in a password-protected PKCS#12 keystore, with versions
 * (rotation), aliases and an enabled/disabled state. The embedded default; one file, guarded like
 * any key file. This class holds the KMS operations and the administration {@code srrrs keys}
 * uses; the file itself (format, atomic writes, re-reading) is {@link LocalKeystore}'s.
 *
 * <p>Wrapped DEK blob v1 ({@link LocalBlobV1}) binds the KEK version and the context. The S3EC
 * wrappings use S3EC's AES keyring blob ({@link S3ecAesGcmKeyring}), which binds neither: an unwrap
 * tries the KEK's versions newest first, and such objects have an empty context.
 * {@link #exportS3ecKek} gives an S3EC application the key for its own AesKeyring.
 *
 * <p>The file is re-read whenever it changes on disk, so a KEK disabled or destroyed by
 * {@code srrrs keys} in another process takes effect here at the next call. Thread-safe: every
 * call is serialised.
 */
public final class LocalKeystoreKms implements Kms {

    /** The {@code kms.type} and {@link WrappedDek#kms()} value of this provider. */
    public static final String TYPE = "local";

    /** KEK names: PKCS#12 folds aliases to lower case, so names are lower case to begin with. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String ALIAS_PREFIX = "alias/";

    /** Whether a KEK may wrap and unwrap. */
    public enum State { ENABLED, DISABLED }

    /** What {@code srrrs keys list} shows; no key material. */
    public record KekInfo(String name, int primaryVersion, List<Integer> versions, State state, Set<String> aliases,
                          Instant created) {
    }

    private final LocalKeystore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private LocalKeystoreKms(LocalKeystore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Opens an existing keystore; fails if it is missing or the password is wrong. */
    public static LocalKeystoreKms open(Path file, char[] password) {
        return open(file, password, Clock.systemUTC());
    }

    /** As {@link #open(Path, char[])}, with {@code clock} for the creation time of new KEKs. */
    public static LocalKeystoreKms open(Path file, char[] password, Clock clock) {
        Objects.requireNonNull(file, "file");
        return new LocalKeystoreKms(LocalKeystore.open(file, password), clock);
    }

    /** Opens the keystore, creating an empty one (mode 600) if there is none. */
    public static LocalKeystoreKms openOrCreate(Path file, char[] password) {
        Objects.requireNonNull(file, "file");
        LocalKeystore.createIfMissing(file, password);
        return open(file, password);
    }

    // ---- the SPI -------------------------------------------------------------------------------

    @Override
    public String type() {
        return TYPE;
    }

    /** A KEK's name from its name, {@code alias/<alias>} or bare alias. */
    @Override
    public synchronized KekId resolve(String aliasOrId) throws KmsException {
        store.refresh();
        return new KekId(kekNamed(aliasOrId).name);
    }

    /** A fresh random DEK, wrapped under the KEK's newest version. */
    @Override
    public synchronized DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        store.refresh();
        Kek k = usable(kek.value());
        DataKey plaintext = freshDek();
        return new DataKeyPair(plaintext, LocalBlobV1.wrapped(k, plaintext.material(), context));
    }

    /** Opens a DEK under the KEK version its blob names. */
    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        store.refresh();
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

    /** Unwraps here and wraps again under {@code target}'s newest version. */
    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target)
            throws KmsException {
        try (DataKey dek = unwrap(wrapped, context)) {
            return LocalBlobV1.wrapped(usable(target.value()), dek.material(), context);
        }
    }

    /** As the v1 method; an S3EC DEK is wrapped under the KEK's newest version with S3EC's AES/GCM wrap. */
    @Override
    public synchronized DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return generateDataKey(kek, context);
        }
        S3ecAesGcmKeyring.requireEmptyContext(context, TYPE);
        store.refresh();
        Kek k = usable(kek.value());
        DataKey plaintext = freshDek();
        return new DataKeyPair(plaintext, LocalS3ecWrap.wrap(k, plaintext.material(), wrapping, random));
    }

    /** As the v1 method; an S3EC blob names no version, so the KEK's versions are tried newest first. */
    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return unwrap(wrapped, context);
        }
        S3ecAesGcmKeyring.requireEmptyContext(context, TYPE);
        store.refresh();
        requireOurs(wrapped);
        return LocalS3ecWrap.unwrap(usable(wrapped.kek().value()), wrapped.blob(), wrapping);
    }

    /** As the v1 method: unwraps here and wraps again, the same way, under {@code target}'s newest version. */
    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping,
                                          KekId target) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return rewrap(wrapped, context, target);
        }
        try (DataKey dek = unwrap(wrapped, context, wrapping)) {
            return LocalS3ecWrap.wrap(usable(target.value()), dek.material(), wrapping, random);
        }
    }

    /**
     * KEK {@code name}'s newest version as an AES key for an S3EC application's raw AesKeyring, which
     * then reads and writes the S3EC objects this KMS wraps. The local keystore is a development and
     * test KMS: this copies a KEK out on purpose, as no production KMS would. After a rotation,
     * export again (DEKs wrapped under the new version do not open under the old key).
     */
    public synchronized SecretKey exportS3ecKek(String name) throws KmsException {
        store.refresh();
        return LocalS3ecWrap.aesKey(usable(name).versions.lastEntry().getValue());
    }

    // ---- administration ------------------------------------------------------------------------

    /** Creates KEK {@code name} with version 1. */
    public synchronized KekInfo createKek(String name) throws KmsException {
        store.refresh();
        requireName(name);
        if (store.keks().containsKey(name)) {
            throw new IllegalArgumentException("KEK '" + name + "' already exists");
        }
        Kek k = new Kek(name);
        k.created = clock.instant();
        store.addVersion(k, 1, random);
        return save(k.name);
    }

    /** Adds a new version that wraps new DEKs from now on; older versions still unwrap. */
    public synchronized KekInfo rotate(String name) throws KmsException {
        store.refresh();
        Kek k = existing(name);
        store.addVersion(k, k.versions.lastKey() + 1, random);
        return save(name);
    }

    /** Stops all wrapping and unwrapping under the KEK; reversible with {@link #enable}. */
    public synchronized KekInfo disable(String name) throws KmsException {
        return setState(name, State.DISABLED);
    }

    /** Lets a disabled KEK wrap and unwrap again. */
    public synchronized KekInfo enable(String name) throws KmsException {
        return setState(name, State.ENABLED);
    }

    /**
     * Deletes every version of the KEK from the keystore: crypto-shredding. Every DEK wrapped under
     * it, and so every object, becomes unreadable for good (backups of the keystore aside).
     */
    public synchronized void destroy(String name) throws KmsException {
        store.refresh();
        store.destroy(existing(name));
    }

    /** Points {@code alias} (letters as for names) at KEK {@code name}. */
    public synchronized KekInfo addAlias(String alias, String name) throws KmsException {
        store.refresh();
        requireName(alias);
        Kek k = existing(name);
        for (Kek other : store.keks().values()) {
            if (other.aliases.contains(alias) || other.name.equals(alias)) {
                throw new IllegalArgumentException("'" + alias + "' already names a KEK");
            }
        }
        k.aliases.add(alias);
        store.rewriteAttributes(k);
        return save(name);
    }

    /** Every KEK in the keystore, by name. */
    public synchronized List<KekInfo> listKeks() throws KmsException {
        store.refresh();
        List<KekInfo> out = new ArrayList<>();
        for (Kek k : store.keks().values()) {
            out.add(info(k));
        }
        return out;
    }

    /** The keystore file. */
    public Path file() {
        return store.file();
    }

    /** Zeroes the KEK bytes and the password held in memory. */
    @Override
    public synchronized void close() {
        store.close();
    }

    // ---- the v1 blob ---------------------------------------------------------------------------

    /** The v1 blob of docs/FORMAT.md §7.1; a pure function, public for test vectors and tools. */
    public static byte[] wrapBlob(String name, int version, byte[] kek, byte[] dek, EncryptionContext context) {
        return LocalBlobV1.wrap(name, version, kek, dek, context);
    }

    /** Inverse of {@link #wrapBlob}; the blob's version field must already have picked {@code kek}. */
    public static DataKey unwrapBlob(String name, byte[] blob, byte[] kek, EncryptionContext context)
            throws InvalidWrappedKeyException {
        return LocalBlobV1.unwrap(name, blob, kek, context);
    }

    /** The KEK version a v1 blob was wrapped under. */
    public static int blobVersion(byte[] blob) throws InvalidWrappedKeyException {
        return LocalBlobV1.version(blob);
    }

    // ---- lookups and checks --------------------------------------------------------------------

    private DataKey freshDek() {
        byte[] dek = new byte[FormatV1.DEK_LENGTH];
        random.nextBytes(dek);
        return DataKey.adopt(dek);
    }

    private Kek kekNamed(String aliasOrName) throws UnknownKeyException {
        String wanted = aliasOrName.startsWith(ALIAS_PREFIX) ? aliasOrName.substring(ALIAS_PREFIX.length()) : aliasOrName;
        Kek k = store.keks().get(wanted);
        if (k != null) {
            return k;
        }
        for (Kek candidate : store.keks().values()) {
            if (candidate.aliases.contains(wanted)) {
                return candidate;
            }
        }
        throw new UnknownKeyException("no KEK or alias named '" + aliasOrName + "' in the local keystore");
    }

    private Kek existing(String name) throws UnknownKeyException {
        Kek k = store.keks().get(name);
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
        store.refresh();
        Kek k = existing(name);
        k.state = state;
        store.rewriteAttributes(k);
        return save(name);
    }

    private KekInfo save(String name) throws KmsException {
        store.persist();
        return info(store.keks().get(name));
    }

    private static KekInfo info(Kek k) {
        return new KekInfo(k.name, k.versions.lastKey(), List.copyOf(k.versions.keySet()), k.state,
                Set.copyOf(k.aliases), k.created);
    }
}
