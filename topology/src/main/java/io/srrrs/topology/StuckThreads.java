package io.srrrs.topology;

import java.util.Map;

/**
 * Where Kafka Streams' threads are when a close did not finish in time: what an operator needs to
 * see why an instance left its transaction open (the broker aborts it only after the producer's
 * {@code transaction.timeout.ms}, and read_committed readers of the partitions it wrote wait until
 * then). Stack frames only: class and method names, never a value.
 */
final class StuckThreads {

    /** Frames shown per thread: enough to see the blocking call and who made it. */
    static final int FRAMES = 16;

    private StuckThreads() {
    }

    /** The stacks of the live stream and state-updater threads, one block each. */
    static String describe() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String name = e.getKey().getName();
            if (!name.contains("StreamThread") && !name.contains("StateUpdater")) {
                continue;
            }
            out.append("\n  ").append(name).append(" (").append(e.getKey().getState()).append(')');
            StackTraceElement[] frames = e.getValue();
            for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                out.append("\n    at ").append(frames[i]);
            }
        }
        return out.length() == 0 ? " none alive" : out.toString();
    }
}
