package io.srrrs.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the build wrote into {@code srrrs-embedded.properties}: the versions it resolved (Kafka,
 * Apicurio) and where the registry distribution lies, so the components here run what the build
 * uses.
 */
public final class BuildProperties {

    private BuildProperties() {
    }

    /** The Kafka version of the build, e.g. for the container broker's image tag. */
    public static String kafkaVersion() {
        String version = load().getProperty("kafka.version");
        if (version == null || version.contains("${")) {
            // Run from classes the build did not filter (an IDE's own compile): no version to trust.
            throw new IllegalStateException("srrrs-embedded.properties has no filtered kafka.version ("
                    + version + "); build with Maven");
        }
        return version;
    }

    static Properties load() {
        Properties props = new Properties();
        try (InputStream in = BuildProperties.class.getResourceAsStream("/srrrs-embedded.properties")) {
            if (in == null) {
                throw new IOException("srrrs-embedded.properties is not on the class path");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read srrrs-embedded.properties", e);
        }
        return props;
    }
}
