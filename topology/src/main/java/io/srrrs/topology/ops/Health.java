package io.srrrs.topology.ops;

import java.util.Objects;

/**
 * One probe's answer: up, or down with a one-line reason (plain text for the operator reading
 * {@code kubectl describe}: it names a state or a service, never a key or a payload).
 */
public record Health(boolean up, String reason) {

    public static final Health UP = new Health(true, "ok");

    public Health {
        Objects.requireNonNull(reason, "reason");
        reason = reason.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (reason.length() > 300) {
            reason = reason.substring(0, 300);
        }
    }

    public static Health down(String reason) {
        return new Health(false, reason);
    }

    /** What the probes ask: {@code /health/live} and {@code /health/ready}. */
    public interface Source {
        Health live();

        Health ready();
    }

    /** One check of a dependency; any exception it throws means down, with the exception's type and message. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }
}
