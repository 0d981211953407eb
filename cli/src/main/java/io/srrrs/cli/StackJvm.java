package io.srrrs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stack's own JVM ({@code srrrs up --foreground}, which {@code up} starts in the background):
 * writes {@code stack.pid} and {@code stack.state}, starts the stack, and stops it on SIGTERM or
 * Ctrl-C. Its shutdown hook is in place before the first part starts, so a {@code srrrs down}
 * while the stack is still starting stops what was started so far, the part in flight included
 * (see {@link StartedParts}); and every process it starts outside this JVM is recorded in
 * {@code stack.parts}, which {@code down} checks once this JVM has gone.
 */
final class StackJvm {

    private StackJvm() {
    }

    static int run(LocalStack.Options options) throws Exception {
        Path dir = options.dir();
        Files.createDirectories(dir);
        if (StackCommands.runningStack(dir).filter(p -> p.pid() != ProcessHandle.current().pid()).isPresent()) {
            throw new CliException("a local stack is already running under " + dir + "; stop it with `srrrs down`");
        }
        // An earlier stack JVM that was killed (SIGKILL, a crash) may have left parts running.
        ChildProcesses.Reaped earlier = ChildProcesses.reap(dir);
        if (!earlier.remaining().isEmpty()) {
            throw new CliException("parts of an earlier stack under " + dir + " are still running and could not be stopped: "
                    + String.join(", ", earlier.remaining()));
        }
        earlier.stopped().forEach(p -> System.out.println("stopped a leftover of an earlier stack: " + p));
        StartedParts parts = StartedParts.recording(dir);
        Files.writeString(dir.resolve(StackCommands.PID), ProcessHandle.current().pid() + "\n");
        Map<String, String> state = new LinkedHashMap<>();
        write(dir, state, "state", "starting");
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            System.out.println("stopping the local stack");
            write(dir, state, "state", "stopping");
            parts.stopAll();
            write(dir, state, "state", "stopped");
            try {
                Files.deleteIfExists(dir.resolve(StackCommands.PID));
            } catch (IOException ignored) {
                // exiting
            }
            stopped.countDown();
        }, "srrrs-stack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        LocalStack stack;
        try {
            stack = LocalStack.start(options, parts, step -> {
                System.out.println("starting " + step);
                write(dir, state, "step", step);
            });
        } catch (LocalStack.StackException e) {
            // LocalStack.start has stopped what it had started; the hook must not turn "failed" into "stopped".
            if (signalled.get() || !removeHook(hook)) {
                stopped.await(); // stopped while starting (SIGTERM): the hook stops everything and reports it
                return 143;
            }
            write(dir, state, "error", e.getMessage());
            write(dir, state, "state", "failed");
            Files.deleteIfExists(dir.resolve(StackCommands.PID));
            throw new CliException(e.getMessage() + " (the parts already started were stopped)", e);
        }
        boolean ready;
        synchronized (state) {
            ready = "starting".equals(state.get("state")); // else SIGTERM came just now: the hook is stopping it
            if (ready) {
                state.put("state", "ready");
                state.remove("step");
                stack.endpoints().forEach((k, v) -> state.put("endpoint." + k, v));
                state.put("store.kind", options.store().name().toLowerCase());
                StackCommands.writeState(dir, state);
            }
        }
        if (!ready) {
            stopped.await();
            return 143;
        }
        System.out.println("local stack ready");
        stack.endpoints().forEach((k, v) -> System.out.printf("  %-9s %s%n", k, v));
        stopped.await();
        return 0;
    }

    /** False when the JVM is already shutting down (a signal): then the hook runs. */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** One key of {@code stack.state}, written at once (by the starting thread and the stopping one). */
    private static void write(Path dir, Map<String, String> state, String key, String value) {
        synchronized (state) {
            state.put(key, value);
            StackCommands.writeState(dir, state);
        }
    }
}
