package io.srrrs.crypto.kms.pkcs11;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekBinding;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.ProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import javax.security.auth.login.LoginException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The {@code pkcs11} KMS: KEKs are AES-256 keys generated inside a PKCS#11 token (an HSM; SoftHSM2
 * in tests) as sensitive, non-extractable token objects, used through the JDK's SunPKCS11. The
 * KEK never exists outside the token; DEKs are wrapped by AES-GCM running on the token.
 *
 * <p>Wrapped DEK blob v1 (docs/FORMAT.md §7.2):
 * {@code 0x01 ‖ u32 kekVersion ‖ nonce(12) ‖ AES-GCM(KEK_v, nonce, DEK, aad)} with
 * {@code aad = "SRRRS pkcs11 wrap v1" 0x00 ‖ lp16(name) ‖ u32 version ‖ C}.
 * Random 96-bit nonces are safe here: one wrap per DEK keeps a KEK far below 2^32 uses.
 *
 * <p>Token objects are labelled {@code srrrs-kek/<name>/<version>}. SunPKCS11 cannot switch a key
 * off, so "disable" here is {@link #destroy}: crypto-shredding by deleting every version.
 */
public final class Pkcs11Kms implements Kms {

    /** The {@code kms.type} and {@link WrappedDek#kms()} value of this provider. */
    public static final String TYPE = "pkcs11";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern LABEL = Pattern.compile("srrrs-kek/([a-z0-9][a-z0-9._-]{0,63})/([0-9]{1,9})");
    private static final byte BLOB_VERSION = 0x01;
    private static final int NONCE_LENGTH = 12;
    private static final int BLOB_LENGTH = 1 + 4 + NONCE_LENGTH + FormatV1.DEK_LENGTH + 16;
    private static final String AAD_LABEL = "SRRRS pkcs11 wrap v1";

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
        if (!Files.isReadable(config.library())) {
            throw new IllegalStateException("PKCS#11 module " + config.library() + " not found"
                    + " (for SoftHSM2: apt-get install softhsm2)");
        }
        StringBuilder cfg = new StringBuilder("--name=srrrs\nlibrary=").append(config.library()).append('\n');
        if (config.slot() >= 0) {
            cfg.append("slot=").append(config.slot()).append('\n');
        } else {
            cfg.append("slotListIndex=").append(config.slotListIndex()).append('\n');
        }
        // Every AES key SunPKCS11 generates for us is sensitive and can never leave the token.
        cfg.append("attributes(generate,CKO_SECRET_KEY,CKK_AES)={\n")
                .append("  CKA_SENSITIVE=true\n  CKA_EXTRACTABLE=false\n}\n");
        try {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                throw new IllegalStateException("this JDK has no SunPKCS11 provider");
            }
            Provider provider = base.configure(cfg.toString());
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
        byte[] dek = new byte[FormatV1.DEK_LENGTH];
        random.nextBytes(dek);
        DataKey plaintext = DataKey.adopt(dek);
        int version = versions.lastKey();
        try {
            return new DataKeyPair(plaintext, wrap(kek.value(), version, versions.get(version), plaintext.material(), context));
        } catch (KmsException | RuntimeException e) {
            plaintext.close();
            throw e;
        }
    }

    @Override
    public synchronized DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        if (!TYPE.equals(wrapped.kms())) {
            throw new InvalidWrappedKeyException("DEK was wrapped by KMS type '" + wrapped.kms() + "', not by PKCS#11");
        }
        byte[] blob = wrapped.blob();
        if (blob.length != BLOB_LENGTH || blob[0] != BLOB_VERSION) {
            throw new InvalidWrappedKeyException("wrapped DEK is not a pkcs11 v1 blob");
        }
        String name = wrapped.kek().value();
        int version = ByteBuffer.wrap(blob, 1, 4).getInt();
        SecretKey kek = versionsOf(name).get(version);
        if (kek == null) {
            throw new UnknownKeyException("KEK '" + name + "' has no version " + version + " on the token (destroyed?)");
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding", provider);
            gcm.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, blob, 5, NONCE_LENGTH));
            gcm.updateAAD(aad(name, version, context));
            return DataKey.adopt(gcm.doFinal(blob, 5 + NONCE_LENGTH, blob.length - 5 - NONCE_LENGTH));
        } catch (AEADBadTagException e) {
            throw new InvalidWrappedKeyException("wrapped DEK does not open under KEK '" + name + "' version "
                    + version + " with this encryption context");
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 unwrap failed: " + rootMessage(e), e);
        }
    }

    @Override
    public synchronized WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target)
            throws KmsException {
        try (DataKey dek = unwrap(wrapped, context)) {
            TreeMap<Integer, SecretKey> versions = versionsOf(target.value());
            int version = versions.lastKey();
            return wrap(target.value(), version, versions.get(version), dek.material(), context);
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

    private WrappedDek wrap(String name, int version, SecretKey kek, byte[] dek, EncryptionContext context)
            throws KmsException {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding", provider);
            gcm.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad(name, version, context));
            byte[] ct = gcm.doFinal(dek);
            byte[] blob = ByteBuffer.allocate(5 + NONCE_LENGTH + ct.length).put(BLOB_VERSION).putInt(version)
                    .put(nonce).put(ct).array();
            return new WrappedDek(TYPE, new KekId(name), blob);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KmsUnavailableException("PKCS#11 wrap failed: " + rootMessage(e), e);
        }
    }

    private static byte[] aad(String name, int version, EncryptionContext context) {
        return KekBinding.bytes(AAD_LABEL, name, version, context);
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
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
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
