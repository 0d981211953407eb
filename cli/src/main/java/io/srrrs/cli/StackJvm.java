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

    private final LocalStack.Options options;
    private final Path dir;
    private final Map<String, String> state = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean signalled = new AtomicBoolean();

    private StackJvm(LocalStack.Options options) {
        this.options = options;
        this.dir = options.dir();
    }

    /** Runs the stack until SIGTERM or Ctrl-C: 0 when it stopped after being ready, 143 when stopped while starting. */
    static int run(LocalStack.Options options) throws Exception {
        return new StackJvm(options).run();
    }

    private int run() throws Exception {
        Files.createDirectories(dir);
        refuseIfAnotherStack();
        StartedParts parts = StartedParts.recording(dir);
        Files.writeString(dir.resolve(StackCommands.PID), ProcessHandle.current().pid() + "\n");
        write("state", "starting");
        Thread hook = new Thread(() -> stop(parts), "srrrs-stack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        LocalStack stack;
        try {
            stack = LocalStack.start(options, parts, step -> {
                System.out.println("starting " + step);
                write("step", step);
            });
        } catch (LocalStack.StackException e) {
            // LocalStack.start has stopped what it had started; the hook must not turn "failed" into "stopped".
            if (signalled.get() || !removeHook(hook)) {
                stopped.await(); // stopped while starting (SIGTERM): the hook stops everything and reports it
                return 143;
            }
            write("error", e.getMessage());
            write("state", "failed");
            Files.deleteIfExists(dir.resolve(StackCommands.PID));
            throw new CliException(e.getMessage() + " (the parts already started were stopped)", e);
        }
        if (!markReady(stack)) {
            stopped.await();
            return 143;
        }
        System.out.println("local stack ready");
        stack.endpoints().forEach((k, v) -> System.out.printf("  %-9s %s%n", k, v));
        stopped.await();
        return 0;
    }

    /** Another stack's JVM under DIR, or parts an earlier one left running (SIGKILL, a crash) that will not stop. */
    private void refuseIfAnotherStack() {
        if (StackCommands.runningStack(dir).filter(p -> p.pid() != ProcessHandle.current().pid()).isPresent()) {
            throw new CliException("a local stack is already running under " + dir + "; stop it with `srrrs down`");
        }
        ChildProcesses.Reaped earlier = ChildProcesses.reap(dir);
        if (!earlier.remaining().isEmpty()) {
            throw new CliException("parts of an earlier stack under " + dir + " are still running and could not be stopped: "
                    + String.join(", ", earlier.remaining()));
        }
        earlier.stopped().forEach(p -> System.out.println("stopped a leftover of an earlier stack: " + p));
    }

    /** The shutdown hook: stops every part started so far, the one in flight included. */
    private void stop(StartedParts parts) {
        signalled.set(true);
        System.out.println("stopping the local stack");
        write("state", "stopping");
        parts.stopAll();
        write("state", "stopped");
        try {
            Files.deleteIfExists(dir.resolve(StackCommands.PID));
        } catch (IOException ignored) {
            // exiting
        }
        stopped.countDown();
    }

    /** False when SIGTERM came just now: then the hook is stopping the stack. */
    private boolean markReady(LocalStack stack) {
        synchronized (state) {
            if (!"starting".equals(state.get("state"))) {
                return false;
            }
            state.put("state", "ready");
            state.remove("step");
            stack.endpoints().forEach((k, v) -> state.put("endpoint." + k, v));
            state.put("store.kind", options.store().name().toLowerCase());
            StackCommands.writeState(dir, state);
            return true;
        }
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
    private void write(String key, String value) {
        synchronized (state) {
            state.put(key, value);
            StackCommands.writeState(dir, state);
        }
    }
}
