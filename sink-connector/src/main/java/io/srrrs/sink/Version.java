package io.srrrs.sink;

/** The connector's version, from its jar's manifest when packaged, else "dev". */
final class Version {

    private Version() {
    }

    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
