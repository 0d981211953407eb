package io.srrrs.crypto.kms.pkcs11;

import java.nio.file.Files;
import java.security.Provider;
import java.security.Security;

/**
 * SunPKCS11 configured for one token: the module, the slot, and the attributes every AES key it
 * generates gets. Apart from {@link Pkcs11Kms} because it is configuration, not key management.
 */
final class SunPkcs11 {

    private SunPkcs11() {
    }

    /** A SunPKCS11 provider for {@code config}'s module and slot, not yet logged in. */
    static Provider configure(Pkcs11Kms.Config config) {
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
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalStateException("this JDK has no SunPKCS11 provider");
        }
        return base.configure(cfg.toString());
    }

    /** The innermost cause's type and message: what the token said (tokens put no key material there). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
