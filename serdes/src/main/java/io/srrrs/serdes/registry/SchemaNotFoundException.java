package io.srrrs.serdes.registry;

/** No such schema id, subject or version in the registry (404; error codes 40401-40403). */
public final class SchemaNotFoundException extends RegistryException {

    public SchemaNotFoundException(String message, int errorCode) {
        super(message, 404, errorCode, null);
    }
}
