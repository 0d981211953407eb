package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Using the crypto core" code, line for line, so it cannot rot. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRuns() throws Exception {
        char[] password = "changeit".toCharArray();
        byte[] original = TestObjects.randomBytes(200_000);
        InputStream plaintext = new ByteArrayInputStream(original);
        ByteArrayOutputStream objectBody = new ByteArrayOutputStream();
        ByteArrayOutputStream destination = new ByteArrayOutputStream();

        // --- README begins (Path.of("keks.p12") → dir.resolve("keks.p12")) ---
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), password);
        keystore.createKek("orders");                      // once; later keystore.rotate("orders")
        DecoratedKms stack = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        ObjectIdentity id = new ObjectIdentity("bucket", "invoices/2026/11/001.pdf");
        EncryptionContext ctx = EncryptionContext.of("tenant", "acme");

        // write: the body goes to the store, the metadata to x-amz-meta-srrrs-*
        ObjectMetadata metadata;
        try (DataKeyPair dek = stack.kms().generateDataKey(stack.kms().resolve("orders"), ctx);
             ObjectEncryptor enc = ObjectEncryptor.create(dek, id, ctx, FormatV1.DEFAULT_SEGMENT_SIZE);
             OutputStream out = enc.encryptingStream(objectBody)) {
            metadata = new ObjectMetadata(enc.header(), dek.wrapped(), ctx);
            plaintext.transferTo(out);
        }
        InputStream storedBody = new ByteArrayInputStream(objectBody.toByteArray());

        // read: refuses anything that is not an intact SRRRS object written for this id
        ObjectMetadata m = ObjectMetadata.fromMap(metadata.toMap());
        try (DataKey dek = stack.kms().unwrap(m.wrappedDek(), m.context());
             ObjectDecryptor dec = ObjectDecryptor.open(m.header(), dek, id, m.context());
             InputStream in = dec.decrypt(storedBody)) {          // or dec.decryptRange(source, offset, length)
            in.transferTo(destination);
        }
        // --- README ends ---

        assertThat(destination.toByteArray()).isEqualTo(original);
        assertThat(metadata.toMap()).containsKeys("srrrs-header", "srrrs-kms", "srrrs-kek-id", "srrrs-wrapped-dek",
                "srrrs-context");
        stack.close();
    }
}
