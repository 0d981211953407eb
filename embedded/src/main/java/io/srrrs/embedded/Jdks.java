package io.srrrs.embedded;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a JDK of at least a given feature version, for components that need a newer Java than ours. */
public final class Jdks {

    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    /**
     * {@code $SRRRS_JAVA<N>_HOME}, then this JVM, then every JDK under {@code /usr/lib/jvm}, newest
     * first: the {@code java} executable of the first with feature version {@code >= minimum}.
     */
    public static Optional<Path> java(int minimum) {
        String env = System.getenv("SRRRS_JAVA" + minimum + "_HOME");
        if (env != null && version(Path.of(env)) >= minimum) {
            return Optional.of(Path.of(env, "bin", "java"));
        }
        if (Runtime.version().feature() >= minimum) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        List<Path> homes = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/usr/lib/jvm"))) {
            dirs.forEach(homes::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        return homes.stream()
                .filter(h -> Files.isExecutable(h.resolve("bin/java")) && version(h) >= minimum)
                .max((a, b) -> Integer.compare(version(a), version(b)))
                .map(h -> h.resolve("bin/java"));
    }

    static int version(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
