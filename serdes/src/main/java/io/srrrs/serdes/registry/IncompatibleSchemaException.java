package io.srrrs.serdes.registry;

/** The registry refused to register a schema that breaks the subject's compatibility rule (409). */
public final class IncompatibleSchemaException extends RegistryException {

    public IncompatibleSchemaException(String message) {
        super(message, 409, 409, null);
    }
}
