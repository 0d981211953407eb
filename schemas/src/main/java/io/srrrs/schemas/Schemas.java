package io.srrrs.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it has not been told to trust. The
 * pipeline's own generated classes (this package) are trusted here, on top of whatever the JVM
 * already trusts; every serde calls {@link #trustGeneratedClasses()} before it touches them.
 */
public final class Schemas {

    private static volatile boolean trusted;

    private Schemas() {
    }

    public static void trustGeneratedClasses() {
        if (trusted) {
            return;
        }
        synchronized (Schemas.class) {
            if (!trusted) {
                ClassSecurityValidator.ClassSecurityPredicate ours =
                        c -> Schemas.class.getPackageName().equals(c.getPackageName());
                ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
                trusted = true;
            }
        }
    }
}
