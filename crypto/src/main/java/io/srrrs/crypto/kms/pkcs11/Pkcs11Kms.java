package io.srrrs.crypto.kms.pkcs11;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.S3ecAesGcmKeyring;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.ProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.security.auth.login.LoginException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The {@code pkcs11} KMS: KEKs are AES-256 keys generated inside a PKCS#11 token (an HSM; SoftHSM2
 * in tests) as sensitive, non-extractable token objects, used through the JDK's SunPKCS11. The
 * KEK never exists outside the token; DEKs are wrapped by AES-GCM running on the token.
 *
 * <p>Wrapped DEK blob v1: docs/FORMAT.md §7.2, {@link Pkcs11BlobV1}.
 * Random 96-bit nonces are safe here: one wrap per DEK keeps a KEK far below 2^32 uses. The S3EC
 * wrappings use S3EC's AES/GCM blob, also on the token ({@link Pkcs11S3ecWrap}).
 *
 * <p>Token objects are labelled {@code srrrs-kek/<name>/<version>}. SunPKCS11 cannot switch a key
 * off, so "disable" here is {@link #destroy}: crypto-shredding by deleting every version.
 */
public final class Pkcs11Kms implements Kms {

    /** The {@code kms.type} and {@link WrappedDek#kms()} value of this provider. */
    public static final String TYPE = "pkcs11";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern LABEL = Pattern.compile("srrrs-kek/([a-z0-9][a-z0-9._-]{0,63})/([0-9]{1,9})");

    /**
     * @param library       the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slot          the slot id, or -1 to pick by {@code slotListIndex}
     * @param slotListIndex index in the module's slot list when no slot id is given
     * @param pin           the user PIN
     */
    public record Config(Path library, long slot, int slotListIndex, char[] pin) {
        /** Copies the PIN; {@link #toString()} never shows it. */
        public Config {
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(pin, "pin");
            pin = pin.clone();
        }

        @Override
        public String toString() {
            return "Pkcs11Kms.Config[library=" + library + ", slot=" + slot + ", slotListIndex=" + slotListIndex + "]";
        }
    }

    /** What {@code srrrs keys list} shows for a token's KEK; no key material. */
    public record KekInfo(String name, int primaryVersion, List<Integer> versions) {
    }

    private final Provider provider;
    private final KeyStore token;
    private final SecureRandom random = new SecureRandom();
    private Map<String, TreeMap<Integer, SecretKey>> keks = Map.of();

    private Pkcs11Kms(Provider provider, KeyStore token) {
        this.provider = provider;
        this.token = token;
    }

    /** Configures SunPKCS11 for the token and logs in. */
    public static Pkcs11Kms open(Config config) {
        try {
            Provider provider = SunPkcs11.configure(config);
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, config.pin());
            Pkcs11Kms kms = new Pkcs11Kms(provider, token);
            kms.reload();
            return kms;
        } catch (GeneralSecurityException | IOException | ProviderException | KmsException e) {
            throw new IllegalStateException("cannot open PKCS#11 token (" + config + "): " + rootMessage(e), e);
        }
    }

    // ---- the SPI -------------------------------------------------------------------------------

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public synchronized KekId resolve(String aliasOrId) throws KmsException {
        versionsOf(aliasOrId);
        return new KekId(aliasOrId);
    }

    @Override
    public synchronized DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        TreeMap<Integer, SecretKey> versions = versionsOf(kek.value());
        DataKey plaintext = freshDek();
        try {
            return new DataKeyPair(plaintext, Pkcs11BlobV1.wrap(this::gcm, kek.value(), versions, plaintext.material(),
                    context, random));
        } catch (KmsException | RuntimeException e) {
            plaintext.close();
            throw e;
        }
    }

    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        requireOurs(wrapped);
        String name = wrapped.kek().value();
        return Pkcs11BlobV1.unwrap(this::gcm, name, versionsOf(name), wrapped.blob(), context);
    }

    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target)
            throws KmsException {
        try (DataKey dek = unwrap(wrapped, context)) {
            return Pkcs11BlobV1.wrap(this::gcm, target.value(), versionsOf(target.value()), dek.material(), context,
                    random);
        }
    }

    /** As the v1 method; an S3EC DEK is wrapped on the token with S3EC's AES/GCM wrap, under the newest version. */
    @Override
    public synchronized DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return generateDataKey(kek, context);
        }
        S3ecAesGcmKeyring.requireEmptyContext(context, TYPE);
        TreeMap<Integer, SecretKey> versions = versionsOf(kek.value());
        DataKey plaintext = freshDek();
        try {
            return new DataKeyPair(plaintext, Pkcs11S3ecWrap.wrap(this::gcm, kek.value(), versions, plaintext.material(),
                    wrapping, random));
        } catch (KmsException | RuntimeException e) {
            plaintext.close();
            throw e;
        }
    }

    /** As the v1 method; the S3EC blob names no version, so the token's versions are tried newest first. */
    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return unwrap(wrapped, context);
        }
        S3ecAesGcmKeyring.requireEmptyContext(context, TYPE);
        requireOurs(wrapped);
        String name = wrapped.kek().value();
        return Pkcs11S3ecWrap.unwrap(this::gcm, name, versionsOf(name), wrapped.blob(), wrapping);
    }

    /** As the v1 rewrap (unwrap on the token, wrap again there), keeping the S3EC wrapping. */
    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping,
                                          KekId target) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return rewrap(wrapped, context, target);
        }
        try (DataKey dek = unwrap(wrapped, context, wrapping)) {
            return Pkcs11S3ecWrap.wrap(this::gcm, target.value(), versionsOf(target.value()), dek.material(), wrapping,
                    random);
        }
    }

    // ---- administration ------------------------------------------------------------------------

    /** Generates version 1 of KEK {@code name} inside the token. */
    public synchronized KekInfo createKek(String name) throws KmsException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("KEK names are 1-64 of [a-z0-9._-], starting with a letter or digit");
        }
        reload();
        if (keks.containsKey(name)) {
            throw new IllegalArgumentException("KEK '" + name + "' already exists on the token");
        }
        return addVersion(name, 1);
    }

    /** Generates a new version that wraps new DEKs from now on; older versions still unwrap. */
    public synchronized KekInfo rotate(String name) throws KmsException {
        reload();
        TreeMap<Integer, SecretKey> versions = versionsOf(name);
        return addVersion(name, versions.lastKey() + 1);
    }

    /** Deletes every version from the token: crypto-shredding, irreversible. */
    public synchronized void destroy(String name) throws KmsException {
        reload();
        TreeMap<Integer, SecretKey> versions = versionsOf(name);
        try {
            for (int v : versions.keySet()) {
                token.deleteEntry(label(name, v));
            }
        } catch (GeneralSecurityException e) {
            throw new KmsUnavailableException("PKCS#11 delete failed: " + rootMessage(e), e);
        }
        reload();
    }

    /** Every srrrs KEK on the token, by name. */
    public synchronized List<KekInfo> listKeks() throws KmsException {
        reload();
        List<KekInfo> out = new ArrayList<>();
        keks.forEach((name, versions) -> out.add(new KekInfo(name, versions.lastKey(), List.copyOf(versions.keySet()))));
        return out;
    }

    /** The token key of a KEK version, for tests that check it cannot be extracted. */
    synchronized SecretKey tokenKey(String name, int version) throws KmsException {
        return versionsOf(name).get(version);
    }

    // ---- internals -----------------------------------------------------------------------------

    private Cipher gcm() throws GeneralSecurityException {
        return Cipher.getInstance("AES/GCM/NoPadding", provider);
    }

    private DataKey freshDek() {
        byte[] dek = new byte[FormatV1.DEK_LENGTH];
        random.nextBytes(dek);
        return DataKey.adopt(dek);
    }

    private static void requireOurs(WrappedDek wrapped) throws InvalidWrappedKeyException {
        if (!TYPE.equals(wrapped.kms())) {
            throw new InvalidWrappedKeyException("DEK was wrapped by KMS type '" + wrapped.kms() + "', not by PKCS#11");
        }
    }

    private KekInfo addVersion(String name, int version) throws KmsException {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
            generator.init(256);
            SecretKey sessionKey = generator.generateKey();
            // Storing under a label copies the session key into a persistent token object.
            token.setEntry(label(name, version), new KeyStore.SecretKeyEntry(sessionKey), null);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 key generation failed: " + rootMessage(e), e);
        }
        reload();
        TreeMap<Integer, SecretKey> versions = versionsOf(name);
        return new KekInfo(name, versions.lastKey(), List.copyOf(versions.keySet()));
    }

    private TreeMap<Integer, SecretKey> versionsOf(String name) throws KmsException {
        TreeMap<Integer, SecretKey> versions = keks.get(name);
        if (versions == null) {
            reload(); // created by another process since we last looked?
            versions = keks.get(name);
        }
        if (versions == null) {
            throw new UnknownKeyException("no KEK named '" + name + "' on the PKCS#11 token");
        }
        return versions;
    }

    private void reload() throws KmsException {
        try {
            Map<String, TreeMap<Integer, SecretKey>> found = new TreeMap<>();
            for (String alias : Collections.list(token.aliases())) {
                Matcher m = LABEL.matcher(alias);
                if (m.matches() && token.isKeyEntry(alias)) {
                    SecretKey key = (SecretKey) token.getKey(alias, null);
                    found.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), key);
                }
            }
            keks = found;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("cannot list PKCS#11 token objects: " + rootMessage(e), e);
        }
    }

    private static String label(String name, int version) {
        return "srrrs-kek/" + name + "/" + version;
    }

    private static String rootMessage(Throwable e) {
        return SunPkcs11.rootMessage(e);
    }

    @Override
    public void close() {
        try {
            ((AuthProvider) provider).logout();
        } catch (LoginException | ProviderException ignored) {
            // Already logged out, or the token went away: nothing left to close.
        }
    }
}
