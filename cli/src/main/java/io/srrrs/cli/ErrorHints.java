package io.srrrs.cli;

import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekNotAllowedException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The one line {@code srrrs} prints for a failed command: what went wrong and what to do about it.
 * A {@link CliException} already says both; for the other common failures the fix is added here,
 * so that a user never has to read a stack trace to know the next step.
 */
final class ErrorHints {

    /** Which service a connection failure came from, found by the client library in the stack trace. */
    private enum Service {
        STORE("the object store", CliConfig.STORE_URL, "software.amazon.awssdk."),
        REGISTRY("the schema registry", "schema.registry.url", "io.srrrs.serdes.registry."),
        BROKER("the Kafka broker", "bootstrap.servers", "org.apache.kafka.");

        final String name;
        final String setting;
        final String[] packages;

        Service(String name, String setting, String... packages) {
            this.name = name;
            this.setting = setting;
            this.packages = packages;
        }
    }

    private ErrorHints() {
    }

    /** The line to print after {@code "srrrs COMMAND: "}; our messages carry no plaintext or key material. */
    static String describe(Throwable e) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        // The class names the kind of failure; the message says which object or KEK.
        String what = e.getClass().getSimpleName() + ": " + e.getMessage();
        String fix = fix(e);
        return fix == null ? what : what + " (" + fix + ")";
    }

    /** What to do about {@code e}, or null when there is nothing better than its own message. */
    static String fix(Throwable e) {
        if (find(e, KekNotAllowedException.class) != null) {
            return "to read or write under this KEK, add it to " + KekAllowList.KEY + " in the configuration (--config FILE)";
        }
        if (find(e, org.apache.kafka.common.errors.TimeoutException.class) != null) {
            return "the Kafka broker did not answer in time: is the stack running? `srrrs status` tells; "
                    + "for another deployment check bootstrap.servers in the configuration";
        }
        if (unreachable(e) != null) {
            Service service = service(e);
            if (service == null) {
                return "a service did not answer: is the stack running? `srrrs status`, or check the URLs "
                        + "in the configuration";
            }
            return service.name + " did not answer: is the stack running? `srrrs status` tells; "
                    + "for another deployment check " + service.setting + " in the configuration";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "check the path";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "check the file's permissions";
        }
        return null;
    }

    private static Throwable unreachable(Throwable e) {
        Throwable found = find(e, ConnectException.class);
        if (found == null) {
            found = find(e, UnknownHostException.class);
        }
        if (found == null) {
            found = find(e, UnresolvedAddressException.class);
        }
        return found;
    }

    private static Service service(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                for (Service s : Service.values()) {
                    for (String p : s.packages) {
                        if (frame.getClassName().startsWith(p)) {
                            return s;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
