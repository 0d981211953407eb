package io.srrrs.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bind mounts that give a container, which runs as an unprivileged user, the files a
 * configuration names: each file under the stack's directory (certificates, the test KMS key store
 * and its password, the SSE-C key) is copied with read permission for all and mounted read-only
 * at its own path, so the configuration needs no rewriting. Test secrets of a throw-away stack
 * only; a deployment mounts its secrets (deploy/kubernetes).
 */
final class ReadableCopies {

    private final Path stackDir;
    private final Path copies;
    private final List<String> options = new ArrayList<>();
    private final Set<String> targets = new HashSet<>();
    private int count;

    ReadableCopies(Path stackDir, Path copies) throws IOException {
        this.stackDir = stackDir;
        this.copies = Files.createDirectories(copies);
    }

    /** Adds a mount for every value of {@code config} that is a file under the stack's directory. */
    ReadableCopies of(Map<String, String> config) throws IOException {
        for (String value : config.values()) {
            Path p = value.startsWith("/") ? Path.of(value) : null;
            if (p != null && p.startsWith(stackDir) && Files.isRegularFile(p) && !targets.contains(value)) {
                Path copy = copies.resolve(count++ + "-" + p.getFileName());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                mount(copy, p.toString());
            }
        }
        return this;
    }

    ReadableCopies mount(Path source, String target) {
        targets.add(target);
        options.addAll(List.of("-v", source + ":" + target + ":ro"));
        return this;
    }

    List<String> options() {
        return List.copyOf(options);
    }
}
