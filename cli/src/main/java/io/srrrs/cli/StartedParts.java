package io.srrrs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the local stack has started so far, and the one way to stop it: {@link #stopAll} may run
 * at any moment — from the shutdown hook, on {@code srrrs down}'s SIGTERM, while
 * {@link LocalStack#start} is half-way through a step — and stops every part started so far,
 * including the one being started; once it has begun, no further step starts.
 *
 * <p>The parts are the ones {@link #push pushed} (closed in reverse order) and, in the stack's own
 * JVM ({@link #recording}), every process outside it: its child processes (the registry, the
 * Connect worker, {@code bin/ceph-rgw}), recorded in {@code DIR/stack.parts} as soon as they
 * appear, and the Ceph daemons, whose cluster directory is recorded before they start (they
 * detach from the JVM). {@code srrrs down} checks that record once this JVM has exited (see
 * {@link ChildProcesses#reap}).
 */
public final class StartedParts {

    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Path stackDir; // null: an in-process stack (demo, tests), whose JVM's children are not all its own
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final List<Path> cephDirs = new CopyOnWriteArrayList<>();
    private final Set<String> recorded = new HashSet<>();
    private final Set<Long> owned = new HashSet<>(); // child processes of the parts pushed so far
    private final Object stopLock = new Object();
    private volatile boolean stopping;
    private boolean stopped;

    private StartedParts(Path stackDir) {
        this.stackDir = stackDir;
    }

    /** For a stack inside another command's JVM: only what is pushed, and Ceph by its directory. */
    static StartedParts inMemory() {
        return new StartedParts(null);
    }

    /** For the stack's own JVM: also every child process, recorded under {@code stackDir} as it appears. */
    static StartedParts recording(Path stackDir) throws IOException {
        ChildProcesses.startRecord(stackDir);
        StartedParts parts = new StartedParts(stackDir);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "srrrs-stack-parts");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(parts::watch, 0, 100, TimeUnit.MILLISECONDS);
        return parts;
    }

    /** A part now running: {@link #stopAll} closes it before the parts pushed earlier; closed at once when stopping. */
    void push(AutoCloseable part) {
        synchronized (this) {
            if (!stopping) {
                closeables.push(part);
                if (stackDir != null) {
                    watch();
                    ProcessHandle.current().descendants().forEach(p -> owned.add(p.pid()));
                }
                return;
            }
        }
        close(part);
    }

    /** Before a Ceph cluster starts under {@code dir}: its daemons are stopped even if its start never finishes. */
    void cephDir(Path dir) throws IOException {
        cephDirs.add(dir);
        if (stackDir != null) {
            ChildProcesses.recordCephDir(stackDir, dir);
        }
    }

    /** True once {@link #stopAll} has begun: no step may start a part any more. */
    boolean stopping() {
        return stopping;
    }

    /** At the beginning of each step: none starts once {@link #stopAll} has begun. */
    void refuseIfStopping() {
        if (stopping) {
            throw new java.util.concurrent.CancellationException("the stack was stopped while starting");
        }
    }

    /** Stops everything started so far, the newest first; returns once it is gone. Idempotent, any thread. */
    void stopAll() {
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            Set<Long> ownedNow;
            synchronized (this) {
                stopping = true;
                ownedNow = Set.copyOf(owned);
            }
            if (stackDir != null) {
                // First the part still starting: the child processes that belong to no part pushed yet.
                watch();
                ChildProcesses.terminate(ProcessHandle.current().descendants().filter(p -> !ownedNow.contains(p.pid()))
                        .toList(), GRACE);
            }
            for (AutoCloseable next = poll(); next != null; next = poll()) {
                close(next);
            }
            cephDirs.forEach(ChildProcesses::stopCeph);
            if (stackDir != null) {
                // Whatever a part's close left behind, or the step in flight started meanwhile.
                for (int round = 0; round < 10 && ours().findAny().isPresent(); round++) {
                    watch();
                    cephDirs.forEach(ChildProcesses::stopCeph);
                    ChildProcesses.terminate(ProcessHandle.current().descendants().toList(), GRACE);
                }
            }
            stopped = true;
        }
    }

    private synchronized AutoCloseable poll() {
        return closeables.poll();
    }

    /** The stack's processes outside this JVM: its descendants, and every daemon of a recorded Ceph cluster. */
    private Stream<ProcessHandle> ours() {
        return Stream.concat(ProcessHandle.current().descendants(),
                cephDirs.stream().flatMap(d -> ChildProcesses.naming(ChildProcesses.cephConf(d)))).distinct();
    }

    /** Records each of {@link #ours} not recorded yet (pid and command line: a pid caught before its exec comes again). */
    private synchronized void watch() {
        if (stackDir == null) {
            return;
        }
        ours().forEach(p -> {
            ChildProcesses.Child c = ChildProcesses.describe(p);
            if (!c.cmdline().isEmpty() && recorded.add(c.pid() + " " + c.cmdline())) {
                try {
                    ChildProcesses.recordChild(stackDir, c);
                } catch (IOException e) {
                    recorded.remove(c.pid() + " " + c.cmdline()); // tried again on the next tick
                }
            }
        });
    }

    private static void close(AutoCloseable part) {
        try {
            part.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // keep stopping the rest
        }
    }
}
