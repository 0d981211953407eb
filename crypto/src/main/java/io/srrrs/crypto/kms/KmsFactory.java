package io.srrrs.crypto.kms;

import java.util.Map;

/**
 * Makes a {@link Kms} of one type from configuration. The built-in types ({@code local},
 * {@code pkcs11}) are in this module; others (for example {@code aws-kms}) register an
 * implementation under {@code META-INF/services/io.srrrs.crypto.kms.KmsFactory} in their own
 * module, and are found by {@link KmsConfig} when on the class path.
 */
public interface KmsFactory {

    /** The {@code kms.type} value this factory answers to. */
    String type();

    /** A provider configured from the {@code kms.<type>.*} keys of {@code config}. */
    Kms create(Map<String, String> config);

    /** The keys this provider reads, with their documentation, in display order. */
    Map<String, String> documentation();
}
