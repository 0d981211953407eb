package io.srrrs.topology.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FilePayloadSource} walks from its root one component at a time and never follows a
 * symbolic link, wherever it is and wherever it leads, so that a writer inside a root cannot
 * swap a directory for a link between a check and the open.
 */
class FilePayloadSourceTest {

    static final SourceDeadline SECONDS = SourceDeadline.start(java.time.Duration.ofMinutes(10));

    @TempDir
    Path dir;
    Path root;
    Path outside;
    FilePayloadSource source;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("inbox"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "OUTSIDE");
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.writeString(root.resolve("sub/deeper/f.bin"), "INSIDE");
        Files.writeString(root.resolve("top.bin"), "TOP");
        source = new FilePayloadSource(List.of(root.toString()));
    }

    static PayloadReference ref(String uri) {
        return PayloadReference.newBuilder().setId("id").setSource(new UriSource(uri)).setBucket("bucket")
                .setKey("k").setEncryptionContext(Map.of()).build();
    }

    String read(String uri) throws Exception {
        try (OpenedPayload p = source.open(ref(uri), SECONDS)) {
            byte[] bytes = p.stream().readAllBytes();
            assertThat(p.declaredLength()).isEqualTo(bytes.length);
            return new String(bytes, StandardCharsets.US_ASCII);
        }
    }

    RejectReason refusal(String uri) {
        try (OpenedPayload p = source.open(ref(uri), SECONDS)) {
            throw new AssertionError(uri + " was opened: " + new String(p.stream().readAllBytes(), StandardCharsets.US_ASCII));
        } catch (BadReferenceException e) {
            return e.reason();
        } catch (IOException e) {
            throw new AssertionError(uri + ": " + e, e);
        }
    }

    @Test
    void filesInsideTheRootAtAnyDepthAreRead() throws Exception {
        assertThat(read("file:" + root.resolve("top.bin"))).isEqualTo("TOP");
        assertThat(read("file:" + root.resolve("sub/deeper/f.bin"))).isEqualTo("INSIDE");
        assertThat(read("file://localhost" + root.resolve("sub/deeper/f.bin"))).isEqualTo("INSIDE");
    }

    @Test
    void aParentDirectoryThatIsALinkIsRefusedEvenWhenItPointsInsideTheRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("away"), outside);
        assertThat(refusal("file:" + root.resolve("alias/deeper/f.bin"))).isEqualTo(RejectReason.SYMLINK_ESCAPE);
        assertThat(refusal("file:" + root.resolve("away/secret.txt"))).isEqualTo(RejectReason.SYMLINK_ESCAPE);
        Files.createSymbolicLink(root.resolve("sub/up"), root);
        assertThat(refusal("file:" + root.resolve("sub/up/top.bin"))).isEqualTo(RejectReason.SYMLINK_ESCAPE);
    }

    @Test
    void aFileThatIsALinkIsRefusedWhereverItLeads() throws Exception {
        Files.createSymbolicLink(root.resolve("inner-link.bin"), root.resolve("top.bin"));
        Files.createSymbolicLink(root.resolve("outer-link.txt"), outside.resolve("secret.txt"));
        assertThat(refusal("file:" + root.resolve("inner-link.bin"))).isEqualTo(RejectReason.SYMLINK_ESCAPE);
        assertThat(refusal("file:" + root.resolve("outer-link.txt"))).isEqualTo(RejectReason.SYMLINK_ESCAPE);
    }

    @Test
    void dotsAndEmptyComponentsAreRefused() {
        assertThat(refusal("file:" + root + "/sub/../top.bin")).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
        assertThat(refusal("file:" + root + "/./top.bin")).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
        assertThat(refusal("file:" + root + "//top.bin")).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
        assertThat(refusal("file:" + root + "/sub/deeper/")).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
        assertThat(refusal("file:" + outside.resolve("secret.txt"))).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void missingUnreadableAndNonRegularFilesKeepTheirReasons() throws Exception {
        assertThat(refusal("file:" + root.resolve("nope.bin"))).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(refusal("file:" + root.resolve("nope/f.bin"))).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(refusal("file:" + root.resolve("top.bin/f.bin"))).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(refusal("file:" + root.resolve("sub"))).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(refusal("file:" + root)).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        Path locked = root.resolve("locked.bin");
        Files.writeString(locked, "x");
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        if (!Files.isReadable(locked)) { // root ignores permissions
            assertThat(refusal("file:" + locked)).isEqualTo(RejectReason.SOURCE_FORBIDDEN);
        }
    }

    /**
     * The attack itself: while the source is opened again and again, another thread keeps
     * swapping a directory inside the root for a link to a directory outside it. A check of the
     * path followed by an open of the path loses this race now and then; walking the tree by
     * descriptor never reads the outside file.
     */
    @Test
    @Timeout(60)
    void aDirectorySwappedForALinkDuringOpensNeverLeadsOutside() throws Exception {
        Path swap = root.resolve("swap");
        Path parked = root.resolve("parked");
        Files.createDirectories(parked);
        Files.writeString(parked.resolve("secret.txt"), "INSIDE");
        Path link = root.resolve("swap-link");
        Files.createSymbolicLink(link, outside);
        Files.move(parked, swap);
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    // swap is a directory; make it a link to outside, then a directory again
                    Files.move(swap, parked, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, swap, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(parked, swap, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        swapper.start();
        int inside = 0;
        int leaked = 0;
        long end = System.nanoTime() + 4_000_000_000L;
        try {
            while (System.nanoTime() < end) {
                try (OpenedPayload p = source.open(ref("file:" + swap.resolve("secret.txt")), SECONDS)) {
                    String text = new String(p.stream().readAllBytes(), StandardCharsets.US_ASCII);
                    if (text.equals("OUTSIDE")) {
                        leaked++;
                    } else {
                        inside++;
                    }
                } catch (BadReferenceException | IOException refused) {
                    // refused or not found mid-swap: both fine
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(leaked).as("opens that read the file outside the root (%d read inside)", inside).isZero();
    }

    @Test
    void withoutRootsFileSourcesAreDisabled() {
        FilePayloadSource none = new FilePayloadSource(List.of());
        assertThatThrownBy(() -> none.open(ref("file:" + root.resolve("top.bin")), SECONDS))
                .isInstanceOf(BadReferenceException.class).hasMessageContaining("srrrs.source.file.allowed.roots")
                .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void aRootThatDoesNotExistRefusesToStart() {
        assertThatThrownBy(() -> new FilePayloadSource(List.of(dir.resolve("missing").toString())))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aRootIsResolvedOnceAtStartEvenThroughALink() throws Exception {
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("inbox-link"), root);
        FilePayloadSource viaLink = new FilePayloadSource(List.of(linkedRoot.toString()));
        try (OpenedPayload p = viaLink.open(ref("file:" + linkedRoot.resolve("top.bin")), SECONDS)) {
            assertThat(p.stream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("TOP");
        }
    }

    @Test
    void anyOfSeveralRootsServesItsOwnFiles() throws Exception {
        source = new FilePayloadSource(List.of(outside.toString(), root.toString()));
        assertThat(read("file:" + root.resolve("top.bin"))).isEqualTo("TOP");
        assertThat(read("file:" + outside.resolve("secret.txt"))).isEqualTo("OUTSIDE");
    }

    @Test
    void aSiblingWhoseNameStartsWithTheRootsIsNotUnderIt() throws Exception {
        Path sibling = Files.createDirectories(dir.resolve("inbox2"));
        Files.writeString(sibling.resolve("f.bin"), "SIBLING");
        assertThat(refusal("file:" + sibling.resolve("f.bin"))).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void thePathIsDecodedBeforeItIsChecked() throws Exception {
        Files.writeString(root.resolve("a b.bin"), "SPACED");
        assertThat(read("file:" + root + "/a%20b.bin")).isEqualTo("SPACED");
        assertThat(refusal("file:" + root + "/sub/%2E%2E/top.bin")).isEqualTo(RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void onlyAbsoluteFileUrisWithoutHostQueryOrFragmentAreAccepted() {
        for (String uri : List.of("file://otherhost" + root.resolve("top.bin"), "file:" + root.resolve("top.bin") + "?v=1",
                "file:" + root.resolve("top.bin") + "#part", "file:relative/top.bin", "file:" + root + "/a b")) {
            assertThat(refusal(uri)).as(uri).isEqualTo(RejectReason.UNSUPPORTED_SOURCE);
        }
    }
}
