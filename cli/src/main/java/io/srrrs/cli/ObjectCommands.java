package io.srrrs.cli;

import io.srrrs.client.ObjectInfo;
import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The daily tools on stored objects: get, ls, inspect, rewrap ({@link PublishCommand} makes them). */
final class ObjectCommands {

    /** Why a failed get to stdout is not all-or-nothing: stdout cannot be taken back. */
    static final String GET_STDOUT_HELP = "Without -o the bytes go to stdout as they are verified, segment by "
            + "segment. If the command then fails (for example when a truncation is detected at the end), it "
            + "says so on stderr and exits 1: discard the bytes already written.";

    private ObjectCommands() {
    }

    /** The KEK of S3EC objects that name none (written by an S3EC application, not the pipeline). */
    static final class ForeignKekOption {
        @Option(names = "--s3ec-kek", paramLabel = "KEK",
                description = "The KEK (alias or id) of S3EC objects written by an S3EC application, which name no KEK. "
                        + "It is an AWS KMS key for kms+context objects and a KEK of the configured KMS for AES/GCM "
                        + "ones. It must be in srrrs.kek.allowed like any other. Without it, such objects are refused.")
        String s3ecKek;

        /** The client of {@code config} over {@code kms}, reading foreign S3EC objects as under --s3ec-kek. */
        SrrrsClient client(CliConfig config, DecoratedKms kms) throws KmsException {
            if (s3ecKek == null) {
                return config.client(kms);
            }
            ObjectMetadata.ForeignKek foreign = new ObjectMetadata.ForeignKek(kms.kms().type(), kms.kms().resolve(s3ecKek));
            return SrrrsClient.create(config.store(), kms.kms(), config.allowedKeks(), foreign);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Decrypt an object to a file or to stdout.",
                    "Every byte is authenticated before it is written. With --range only the segments holding those "
                            + "bytes are fetched (and with --prove-length also the final segment, so that a cut-short "
                            + "object is refused).",
                    "With -o the bytes go to a new owner-only (600) temp file beside FILE, which is moved into place "
                            + "once the whole object is verified; on a failure no FILE is left.",
                    GET_STDOUT_HELP,
                    "Objects under a KEK not in srrrs.kek.allowed (default: srrrs.kek.default) are refused. S3EC "
                            + "objects (s3ec-v3, s3ec-v2) are read whole only: one tag covers the whole body, so "
                            + "--range is refused."})
    static final class Get implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Mixin
        ForeignKekOption foreign;

        @Parameters(index = "0", paramLabel = "BUCKET/KEY", description = "The object; the s3:// prefix is optional.")
        String location;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the plaintext to FILE. Default: stdout.")
        Path output;

        @Option(names = "--range", paramLabel = "FIRST-LAST", description = "Only the plaintext bytes FIRST to LAST inclusive, as in HTTP ranges.")
        String range;

        @Option(names = "--prove-length", description = "With --range: one more small GET of the final segment, authenticated as final, so that a "
                + "truncated or extended object is refused (a whole read always is).")
        boolean proveLength;

        @Mixin
        Progress.Flag progressFlag;

        @Override
        public Integer call() throws Exception {
            CliConfig config = common.config();
            List<String> bk = Buckets.splitBucketKey(location);
            try (DecoratedKms kms = config.kms(); SrrrsClient client = foreign.client(config, kms)) {
                long length = client.inspect(bk.get(0), bk.get(1)).plaintextLength();
                long offset = 0;
                if (range != null) {
                    long[] firstAndLength = range(length);
                    offset = firstAndLength[0];
                    length = firstAndLength[1];
                }
                Progress progress = new Progress("decrypting", length, progressFlag.forced);
                try (InputStream in = range == null ? client.open(bk.get(0), bk.get(1))
                        : client.openRange(bk.get(0), bk.get(1), offset, length, proveLength)) {
                    if (output == null) {
                        toStdout(in, progress);
                        return 0;
                    }
                    long written = PrivateOutput.write(in, output, progress, bk.get(1));
                    progress.done("wrote " + written + " verified bytes to " + output);
                }
            }
            return 0;
        }

        /** --range as {first, length} within an object of {@code size} plaintext bytes. */
        private long[] range(long size) {
            String[] parts = range.split("-", 2);
            long offset;
            long length;
            try {
                offset = Long.parseLong(parts[0]);
                long last = parts.length > 1 && !parts[1].isEmpty() ? Long.parseLong(parts[1]) : size - 1;
                length = Math.min(last, size - 1) - offset + 1;
            } catch (NumberFormatException e) {
                throw new CliException("--range takes FIRST-LAST, e.g. 0-1023");
            }
            if (offset < 0 || length <= 0) {
                throw new CliException("--range " + range + " is outside the object's " + size + " bytes");
            }
            return new long[] {offset, length};
        }

        /**
         * Streams verified segments to stdout as they come. stdout cannot be taken back, so a failure
         * after the first byte says how many bytes went out and that they must be discarded.
         */
        static void toStdout(InputStream in, Progress progress) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    System.out.write(buffer, 0, n);
                    progress.advance(n, "to stdout");
                }
                System.out.flush();
            } catch (IOException | RuntimeException e) {
                System.out.flush();
                if (progress.done() == 0) {
                    throw e;
                }
                progress.done("");
                throw new CliException("FAILED after " + progress.done() + " bytes were written to stdout: discard "
                        + "them (" + ErrorHints.describe(e) + ")", e);
            }
            progress.done("wrote " + progress.done() + " verified bytes to stdout");
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"List objects with their stored (ciphertext) size and time.",
                    "The SSE-C metadata companions (" + ObjectMetadata.SSE_C_COMPANION_PREFIX
                            + "...) are hidden unless --all is given."})
    static final class Ls implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Parameters(index = "0", arity = "0..1", paramLabel = "BUCKET[/PREFIX]", description = "Where to list. Default: the stack's bucket.")
        String location;

        @Option(names = "--all", description = "Also list the SSE-C metadata companions.")
        boolean all;

        @Override
        public Integer call() {
            CliConfig config = common.config();
            List<String> bk = Buckets.splitBucketKey(location != null ? location : config.bucket());
            try (S3Client s3 = config.s3()) {
                int count = 0;
                for (S3Object o : Buckets.list(s3, bk.get(0), bk.get(1))) {
                    if (!all && o.key().startsWith(ObjectMetadata.SSE_C_COMPANION_PREFIX)) {
                        continue;
                    }
                    count++;
                    System.out.printf(Locale.ROOT, "%12d  %s  %s%n", o.size(), o.lastModified(), o.key());
                }
                System.err.println(count + " object(s) in s3://" + bk.get(0) + "/" + bk.get(1));
            }
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"Show an object's format header and metadata.",
                    "Only a HEAD is sent: no object data is read or decrypted. For an SSE-C object the KMS unwraps "
                            + "the DEK to derive the SSE-C key the HEAD needs. S3EC objects show their format "
                            + "(s3ec-v3, s3ec-v2) and how their DEK is wrapped."})
    static final class Inspect implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Mixin
        ForeignKekOption foreign;

        @Parameters(index = "0", paramLabel = "BUCKET/KEY", description = "The object; the s3:// prefix is optional.")
        String location;

        @Override
        public Integer call() throws Exception {
            CliConfig config = common.config();
            List<String> bk = Buckets.splitBucketKey(location);
            try (DecoratedKms kms = config.kms(); SrrrsClient client = foreign.client(config, kms)) {
                print(client.inspect(bk.get(0), bk.get(1)));
            }
            return 0;
        }

        static void print(ObjectInfo info) {
            ObjectMetadata m = info.metadata();
            System.out.println("object           s3://" + info.identity().bucket() + "/" + info.identity().key());
            if (m.content() instanceof S3ecContent s3ec) {
                System.out.println("format           " + s3ec.outputFormat().id() + " (" + describe(s3ec) + ")");
                System.out.println("DEK wrapping     " + s3ec.wrap().s3ecName());
            } else {
                System.out.println("format           v" + m.header().version() + ", algorithm " + m.header().algorithm()
                        + " (AES-256-GCM segments, HKDF-SHA256 per-object key)");
                System.out.println("segment size     " + m.header().segmentSize());
            }
            System.out.println("plaintext bytes  " + info.plaintextLength());
            System.out.println("stored bytes     " + info.objectLength());
            System.out.println("KEK              " + m.wrappedDek().kek().value() + " (" + m.wrappedDek().kms() + ")");
            System.out.println("wrapped DEK      " + m.wrappedDek().blob().length + " bytes");
            System.out.println("context          " + m.context().asMap());
            System.out.println("SSE-C            " + (info.sseC() ? "yes (key derived per object; sent automatically)" : "no"));
            System.out.println("content type     " + (info.contentType() == null ? "-" : info.contentType()));
            System.out.println("user metadata    " + info.userMetadata());
        }

        private static String describe(S3ecContent content) {
            return content.version() == S3ecContent.Version.V3
                    ? "Amazon S3 Encryption Client 4.x: AES-256-GCM over the whole body, HKDF-SHA512 key commitment"
                    : "Amazon S3 Encryption Client 3.x: AES-256-GCM over the whole body, no key commitment";
        }
    }

    @Command(name = "rewrap", mixinStandardHelpOptions = true,
            description = {"Move objects' DEKs to another KEK.",
                    "The KMS rewraps the DEK and a server-side copy replaces the metadata: no object data is "
                            + "downloaded or re-encrypted. Both KEKs must be in srrrs.kek.allowed.",
                    "The copy is conditional on the ETag read first: an object rewritten meanwhile is left as it is "
                            + "and reported (RewrapConflictException, exit 1), never given the old version's wrapped DEK. "
                            + "An S3EC object keeps every S3EC key but its wrapped DEK, so S3EC applications read it "
                            + "as before."})
    static final class Rewrap implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        @Mixin
        ForeignKekOption foreign;

        @Parameters(index = "0", paramLabel = "BUCKET/KEY", description = "One object, or with --prefix every object under BUCKET/KEY.")
        String location;

        @Option(names = "--to", required = true, paramLabel = "KEK", description = "The target KEK alias or id.")
        String target;

        @Option(names = "--prefix", description = "Treat KEY as a prefix and rewrap every object under it.")
        boolean prefix;

        @Mixin
        Progress.Flag progressFlag;

        @Override
        public Integer call() throws Exception {
            CliConfig config = common.config();
            List<String> bk = Buckets.splitBucketKey(location);
            List<String> keys = new ArrayList<>();
            if (prefix) {
                try (S3Client s3 = config.s3()) {
                    Buckets.list(s3, bk.get(0), bk.get(1)).stream().map(S3Object::key)
                            .filter(k -> !k.startsWith(ObjectMetadata.SSE_C_COMPANION_PREFIX)).sorted().forEach(keys::add);
                }
            } else {
                keys.add(bk.get(1));
            }
            int failed = 0;
            try (DecoratedKms kms = config.kms(); SrrrsClient client = foreign.client(config, kms)) {
                Progress progress = new Progress("rewrapping", keys.size(), progressFlag.forced);
                for (String key : keys) {
                    try {
                        ObjectInfo info = client.rewrap(bk.get(0), key, target);
                        System.out.println("rewrapped s3://" + bk.get(0) + "/" + key + " -> " + info.metadata().wrappedDek().kek().value());
                    } catch (Exception e) {
                        failed++;
                        System.out.println("FAILED    s3://" + bk.get(0) + "/" + key + ": " + e.getClass().getSimpleName() + ": "
                                + e.getMessage());
                    }
                    progress.advance(1, progress.done() + 1 + " of " + keys.size() + " done");
                }
                progress.done(keys.size() - failed + " of " + keys.size() + " object(s) rewrapped");
            }
            return failed == 0 ? 0 : 1;
        }
    }
}
