package io.srrrs.cli;

import io.srrrs.crypto.Digests;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.schemas.UriSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The {@link PayloadReference}s the commands publish: where the payload is, then where its object goes. */
final class References {

    private References() {
    }

    /** A reference to a file by {@code file:} URI, with its SHA-256 for the topology to verify. */
    static PayloadReference.Builder file(Path file) throws IOException {
        Path real = file.toRealPath();
        return PayloadReference.newBuilder().setSource(new UriSource(real.toUri().toString()))
                .setExpectedSha256(new Sha256(PayloadDigests.sha256(real)));
    }

    /** A reference carrying the bytes themselves. */
    static PayloadReference.Builder inline(byte[] data) {
        return PayloadReference.newBuilder().setSource(new InlineSource(ByteBuffer.wrap(data)))
                .setExpectedSha256(new Sha256(Digests.sha256(data)));
    }

    /** A reference to a URI the topology fetches itself ({@code https:}, or {@code file:} under its roots). */
    static PayloadReference.Builder uri(String uri) {
        return PayloadReference.newBuilder().setSource(new UriSource(uri));
    }

    /** The same with a fresh id; see {@link #finish(PayloadReference.Builder, String, Target)}. */
    static PayloadReference finish(PayloadReference.Builder b, String bucket, String key, String kek,
                                   Map<String, String> context, boolean sseC, String contentType) {
        return finish(b, UUID.randomUUID().toString(), new Target(bucket, key, kek, context, sseC, contentType));
    }

    /** Names the object {@code b}'s payload becomes; {@code id} is the reference's (the topology dedups on it). */
    static PayloadReference finish(PayloadReference.Builder b, String id, Target t) {
        return b.setId(id).setBucket(t.bucket()).setKey(t.key()).setKekAlias(t.kek())
                .setEncryptionContext(new LinkedHashMap<>(t.context())).setSseC(t.sseC()).setContentType(t.contentType())
                .setUserMetadata(Map.of()).build();
    }

    /** Where a payload goes and how: bucket, key, KEK (null: the topology's policy), context, SSE-C, content type. */
    record Target(String bucket, String key, String kek, Map<String, String> context, boolean sseC, String contentType) {
    }
}
