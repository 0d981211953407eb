package io.srrrs.crypto.kms.local;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kms.type=local}: a {@link LocalKeystoreKms} over the keystore {@code kms.local.keystore} names. */
public final class LocalKeystoreKmsFactory implements KmsFactory {

    static final String KEYSTORE = "kms.local.keystore";
    static final String PASSWORD = "kms.local.password";

    @Override
    public String type() {
        return LocalKeystoreKms.TYPE;
    }

    /** Opens the keystore; it must exist ({@code srrrs keys create} makes it). */
    @Override
    public Kms create(Map<String, String> config) {
        Path keystore = Path.of(KmsConfig.required(config, KEYSTORE));
        return LocalKeystoreKms.open(keystore, KmsConfig.secret(config, PASSWORD));
    }

    @Override
    public Map<String, String> documentation() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(KEYSTORE, "Path of the PKCS#12 keystore holding the KEKs (made by srrrs keys create).");
        d.put(PASSWORD, "Its password (prefer " + PASSWORD + ".file).");
        d.put(PASSWORD + ".file", "File whose first line is the password.");
        return d;
    }
}
