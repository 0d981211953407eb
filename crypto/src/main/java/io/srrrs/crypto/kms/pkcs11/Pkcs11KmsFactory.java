package io.srrrs.crypto.kms.pkcs11;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kms.type=pkcs11}: a {@link Pkcs11Kms} on the token of {@code kms.pkcs11.library}. */
public final class Pkcs11KmsFactory implements KmsFactory {

    static final String LIBRARY = "kms.pkcs11.library";
    static final String SLOT = "kms.pkcs11.slot";
    static final String SLOT_LIST_INDEX = "kms.pkcs11.slot.list.index";
    static final String PIN = "kms.pkcs11.pin";

    @Override
    public String type() {
        return Pkcs11Kms.TYPE;
    }

    /** Logs in to the token with the PIN. */
    @Override
    public Kms create(Map<String, String> config) {
        String slot = config.get(SLOT);
        String index = config.getOrDefault(SLOT_LIST_INDEX, "0");
        return Pkcs11Kms.open(new Pkcs11Kms.Config(Path.of(KmsConfig.required(config, LIBRARY)),
                slot == null || slot.isBlank() ? -1 : Long.parseLong(slot.trim()), Integer.parseInt(index.trim()),
                KmsConfig.secret(config, PIN)));
    }

    @Override
    public Map<String, String> documentation() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(LIBRARY, "PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.");
        d.put(SLOT, "Slot id of the token (default: use " + SLOT_LIST_INDEX + ").");
        d.put(SLOT_LIST_INDEX, "Index in the module's slot list. Default 0.");
        d.put(PIN, "User PIN (prefer " + PIN + ".file).");
        d.put(PIN + ".file", "File whose first line is the PIN.");
        return d;
    }
}
