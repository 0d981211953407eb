package io.srrrs.topology.source;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.Sanitizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code file:/absolute/path} payloads, only under the configured roots.
 *
 * <p>The path as written must be under a root and have no {@code .}, {@code ..} or empty
 * component. It is then opened the way {@code openat(2)} would: from a descriptor of the root's
 * real directory, one component at a time, each with {@code O_NOFOLLOW}, through a
 * {@link SecureDirectoryStream}. No symbolic link is followed anywhere, whether it leads out of
 * the root or not, so a writer inside a root who swaps a directory for a link between two of our
 * steps makes the open fail instead of leading it elsewhere. Where the platform offers no
 * SecureDirectoryStream the source refuses to open anything (fail closed).
 *
 * <p>What the roots themselves resolve to is the operator's choice: they are resolved once, at start.
 */
public final class FilePayloadSource implements PayloadSource {

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final List<Path> roots;
    private final List<Path> realRoots;

    public FilePayloadSource(List<String> allowedRoots) {
        this.roots = new ArrayList<>();
        this.realRoots = new ArrayList<>();
        for (String r : allowedRoots) {
            Path root = Path.of(r).toAbsolutePath().normalize();
            roots.add(root);
            try {
                Path real = root.toRealPath();
                secure(Files.newDirectoryStream(real)).close(); // refuse to start where opening could not be safe
                realRoots.add(real);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException("allowed root " + root + " does not exist", e);
            } catch (IOException e) {
                throw new UncheckedIOException("allowed root " + root + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public OpenedPayload open(PayloadReference reference, SourceDeadline deadline) throws BadReferenceException, IOException {
        String raw = ((UriSource) reference.getSource()).getUri();
        if (roots.isEmpty()) {
            throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED,
                    "file: sources are disabled (srrrs.source.file.allowed.roots is empty)");
        }
        String pathText = pathOf(raw);
        Path path;
        try {
            path = Path.of(pathText);
        } catch (InvalidPathException e) {
            throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path is not a valid file name here");
        }
        int index = -1;
        for (int i = 0; i < roots.size() && index < 0; i++) {
            index = path.startsWith(roots.get(i)) ? i : -1;
        }
        if (index < 0) {
            throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path " + Sanitizer.text(pathText)
                    + " is not under an allowed root");
        }
        List<Path> names = new ArrayList<>();
        roots.get(index).relativize(path).forEach(names::add);
        if (names.isEmpty() || names.get(0).toString().isEmpty()) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, Sanitizer.text(pathText) + " is not a regular file");
        }
        return walk(realRoots.get(index), names, pathText);
    }

    /** The URI's decoded path, checked component by component as written. */
    private static String pathOf(String raw) throws BadReferenceException {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
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
        // -1: keep a trailing empty component, so that "dir/" is refused like "dir//x"
        String[] segments = pathText.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path " + Sanitizer.text(pathText)
                        + " contains '..'");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw new BadReferenceException(RejectReason.PATH_NOT_ALLOWED, "path " + Sanitizer.text(pathText)
                        + " has an empty or '.' component");
            }
        }
        return pathText;
    }

    /** Opens {@code names} below {@code realRoot}, by descriptor, following no link. */
    private static OpenedPayload walk(Path realRoot, List<Path> names, String pathText) throws BadReferenceException, IOException {
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
        try {
            SecureDirectoryStream<Path> dir = secure(Files.newDirectoryStream(realRoot));
            opened.add(dir);
            for (int i = 0; i < names.size() - 1; i++) {
                Path name = names.get(i);
                BasicFileAttributes a = attributes(dir, name, pathText);
                if (!a.isDirectory()) {
                    throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no file at " + Sanitizer.text(pathText));
                }
                dir = secure(dir.newDirectoryStream(name, NO_FOLLOW));
                opened.add(dir);
            }
            Path last = names.get(names.size() - 1);
            if (!attributes(dir, last, pathText).isRegularFile()) {
                throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, Sanitizer.text(pathText) + " is not a regular file");
            }
            SeekableByteChannel channel = dir.newByteChannel(last, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            // size() is fstat(2) on the descriptor just opened, not a second look-up by name
            return new OpenedPayload(Channels.newInputStream(channel), channel.size());
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no file at " + Sanitizer.text(pathText));
        } catch (AccessDeniedException e) {
            throw new BadReferenceException(RejectReason.SOURCE_FORBIDDEN, Sanitizer.text(pathText) + " is not readable");
        } catch (FileSystemException e) {
            throw changedWhileOpened(e, pathText);
        } finally {
            for (SecureDirectoryStream<Path> d : opened) {
                d.close();
            }
        }
    }

    /**
     * ELOOP: a component became a link after it was looked at, and O_NOFOLLOW refused it; ENOTDIR:
     * a directory became a file. The JDK names neither with a type, only with strerror's text;
     * anything else (or a text in another locale) stays an IOException: retried, never followed.
     */
    private static IOException changedWhileOpened(FileSystemException e, String pathText) throws BadReferenceException {
        String reason = String.valueOf(e.getReason());
        if (reason.contains("symbolic link")) {
            throw new BadReferenceException(RejectReason.SYMLINK_ESCAPE, "path " + Sanitizer.text(pathText)
                    + " changed while it was opened: a component became a symbolic link");
        }
        if (reason.contains("Not a directory")) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no file at " + Sanitizer.text(pathText));
        }
        return e;
    }

    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name, String pathText)
            throws IOException, BadReferenceException {
        BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        if (a.isSymbolicLink()) {
            throw new BadReferenceException(RejectReason.SYMLINK_ESCAPE, "path " + Sanitizer.text(pathText)
                    + " goes through a symbolic link (" + Sanitizer.text(name.toString()) + "); file sources follow none");
        }
        return a;
    }

    /** Fails closed where the platform cannot open relative to a directory descriptor. */
    private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream) throws IOException {
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform offers no SecureDirectoryStream: file sources cannot be opened "
                + "without following links, so none is opened");
    }
}
