package io.srrrs.topology.source;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.Sanitizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code file:/absolute/path} payloads, only under the configured roots. The path is checked
 * twice: as written (no {@code ..}, inside a root) and as it really is on disk after every
 * symbolic link is followed (still inside that root), so neither traversal nor a link out of
 * the root gets through. The file opened is the resolved one, without following links again.
 */
public final class FilePayloadSource implements PayloadSource {

    private final List<Path> roots;
    private final List<Path> realRoots;

    public FilePayloadSource(List<String> allowedRoots) {
        this.roots = new ArrayList<>();
        this.realRoots = new ArrayList<>();
        for (String r : allowedRoots) {
            Path root = Path.of(r).toAbsolutePath().normalize();
            roots.add(root);
            try {
                realRoots.add(root.toRealPath());
            } catch (IOException e) {
                throw new UncheckedIOException("allowed root " + root + " does not exist", e);
            }
        }
    }

    @Override
    public OpenedPayload open(PayloadReference reference) throws BadReferenceException, IOException {
        String raw = ((UriSource) reference.getSource()).getUri();
        if (roots.isEmpty()) {
            throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED,
                    "file: sources are disabled (srrrs.source.file.allowed.roots is empty)");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (java.net.URISyntaxException e) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, "file URI does not parse: "
                    + Sanitizer.text(e.getReason()));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getAuthority() != null && !uri.getAuthority().isEmpty() && !"localhost".equals(uri.getAuthority()))) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE,
                    "file URIs are file:/absolute/path, without host, query or fragment");
        }
        String pathText = uri.getPath();
        if (pathText == null || !pathText.startsWith("/")) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, "file URI path must be absolute");
        }
        for (String segment : pathText.split("/")) {
            if (segment.equals("..")) {
                throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path " + Sanitizer.text(pathText)
                        + " contains '..'");
            }
        }
        Path path;
        try {
            path = Path.of(pathText).normalize();
        } catch (InvalidPathException e) {
            throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path is not a valid file name here");
        }
        Path root = roots.stream().filter(path::startsWith).findFirst().orElseThrow(() -> new BadReferenceException(
                RejectReason.PATH_NOT_ALLOWED, "path " + Sanitizer.text(pathText) + " is not under an allowed root"));
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no file at " + Sanitizer.text(pathText));
        }
        Path realRoot = realRoots.get(roots.indexOf(root));
        if (!real.startsWith(realRoot)) {
            throw new BadReferenceException(RejectReason.SYMLINK_ESCAPE, "path " + Sanitizer.text(pathText)
                    + " leads out of its allowed root through a symbolic link");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, Sanitizer.text(pathText) + " is not a regular file");
        }
        if (!Files.isReadable(real)) {
            throw new BadReferenceException(RejectReason.SOURCE_FORBIDDEN, Sanitizer.text(pathText) + " is not readable");
        }
        long size = Files.size(real);
        return new OpenedPayload(Files.newInputStream(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), size);
    }
}
