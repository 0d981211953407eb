package io.srrrs.chaos;

import io.srrrs.embedded.ConnectWorker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Carries out the fault plan at its moments, several faults at once when they overlap (a kill
 * during an outage is the point). A process is never hit by two faults at once: a target is
 * taken from the live ones not already being killed or restarted. Every fault is recorded with
 * when it began and when its component was back.
 */
final class FaultInjector implements AutoCloseable {

    /** The target of a kill that found nothing alive to kill (every instance was down already). */
    static final String SKIPPED = "none (skipped)";

    private final ChaosStack stack;
    private final TopologyFleet topology;
    private final WorkerFleet workers;
    private final ChaosPlan plan;
    private final RunLog log;
    private final Random random;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(8, r -> {
        Thread t = new Thread(r, "chaos-fault");
        t.setDaemon(true);
        return t;
    });
    private final List<FaultRecord> records = new ArrayList<>();
    private final List<String> selfExits = new ArrayList<>();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final Set<Object> busy = new HashSet<>();
    private final Set<Object> left = new HashSet<>();
    private TopologyFleet.Instance joinedTopology;
    private ConnectWorker joinedWorker;

    FaultInjector(ChaosStack stack, TopologyFleet topology, WorkerFleet workers, ChaosPlan plan, RunLog log) {
        this.stack = stack;
        this.topology = topology;
        this.workers = workers;
        this.plan = plan;
        this.log = log;
        this.random = new Random(plan.seed() ^ 0x2545F4914F6CDD1DL);
    }

    /**
     * As an orchestrator would (Kubernetes' restartPolicy Always): a process that exited by itself,
     * not by one of our faults, is started again after 5 s, and the exit is recorded. Runs until
     * {@link #close}.
     */
    void supervise() {
        supervisor.scheduleWithFixedDelay(this::restartSelfExited, 5, 5, TimeUnit.SECONDS);
    }

    private void restartSelfExited() {
        for (TopologyFleet.Instance i : topology.all()) {
            if (takeIfDead(i, i.isAlive())) {
                restart(i.toString(), i::start, i);
            }
        }
        for (ConnectWorker w : workers.all()) {
            if (takeIfDead(w, w.isAlive())) {
                restart("worker@" + w.restUrl().substring(w.restUrl().lastIndexOf(':') + 1), w::start, w);
            }
        }
    }

    private boolean takeIfDead(Object target, boolean alive) {
        synchronized (busy) {
            if (alive || busy.contains(target) || left.contains(target)) {
                return false;
            }
            busy.add(target);
            return true;
        }
    }

    private void restart(String name, Step start, Object target) {
        try {
            String when = String.format(Locale.ROOT, "%.1f s", log.seconds(System.nanoTime()));
            log.info(name + " exited by itself (not one of our faults): starting it again");
            start.run();
            synchronized (this) {
                selfExits.add(name + " at " + when);
            }
        } catch (Exception e) {
            log.info(name + " did not start again: " + e.getMessage());
        } finally {
            release(target);
        }
    }

    /** Processes that exited without being killed, and were started again. */
    synchronized List<String> selfExits() {
        return List.copyOf(selfExits);
    }

    void schedule(List<Fault> faults, long startNanos) {
        for (Fault f : faults) {
            long delay = startNanos + TimeUnit.MILLISECONDS.toNanos(f.atMillis()) - System.nanoTime();
            executor.schedule(() -> record(f), Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }

    /** Waits until every fault has been carried out and its component is back. */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** In the order the faults were planned. */
    synchronized List<FaultRecord> records() {
        return records.stream().sorted(Comparator.comparing(FaultRecord::fault)).toList();
    }

    private void record(Fault f) {
        long start = System.nanoTime();
        FaultRecord r;
        try {
            r = run(f, start);
        } catch (Exception | Error e) {
            r = new FaultRecord(f, "?", start, System.nanoTime(), false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        log.info(String.format(Locale.ROOT, "%s %s: %s after %.1f s%s", f.kind().label, r.target(),
                r.survived() ? "back" : "NOT BACK", (r.endNanos() - r.startNanos()) / 1e9,
                r.note().isEmpty() ? "" : " (" + r.note() + ")"));
        synchronized (this) {
            records.add(r);
        }
    }

    private FaultRecord run(Fault f, long start) throws Exception {
        return switch (f.kind()) {
            case TOPOLOGY_KILL -> killTopology(f, start);
            case WORKER_KILL -> killWorker(f, start);
            case STORE_OUTAGE -> outage(f, start, "store " + stack.store.kind(), stack.store::stop, stack.store::start);
            case KMS_OUTAGE -> outage(f, start, "moto_server (SIGSTOP)", stack.moto::suspend, stack.moto::resume);
            case REGISTRY_OUTAGE -> registryOutage(f, start);
            case BROKER_RESTART -> outage(f, start, "broker", stack.kafka::kill, stack.kafka::start);
            case TOPOLOGY_JOIN -> join(f, start);
            case TOPOLOGY_LEAVE -> leave(f, start, this::joinedTopology);
            case WORKER_JOIN -> joinWorker(f, start);
            case WORKER_LEAVE -> leave(f, start, this::joinedWorker);
        };
    }

    private FaultRecord killTopology(Fault f, long start) throws Exception {
        TopologyFleet.Instance target = take(topology.all(), TopologyFleet.Instance::isAlive);
        if (target == null) {
            return new FaultRecord(f, SKIPPED, start, System.nanoTime(), true, "no live instance to kill");
        }
        try {
            log.info("kill -9 " + target);
            target.kill();
            Thread.sleep(restartDelay());
            String note = startAgain(target.toString(), () -> {
                target.kill(); // a start that timed out left its JVM behind (no-op when dead)
                target.start();
                target.awaitStarted(Duration.ofSeconds(120));
            });
            return new FaultRecord(f, target.toString(), start, System.nanoTime(), true, note);
        } finally {
            release(target);
        }
    }

    private FaultRecord killWorker(Fault f, long start) throws Exception {
        ConnectWorker target = take(workers.all(), ConnectWorker::isAlive);
        if (target == null) {
            return new FaultRecord(f, SKIPPED, start, System.nanoTime(), true, "no live worker to kill");
        }
        String name = "worker@" + target.restUrl().substring(target.restUrl().lastIndexOf(':') + 1);
        try {
            log.info("kill -9 " + name);
            target.kill();
            Thread.sleep(restartDelay());
            String note = startAgain(name, () -> {
                if (target.isAlive()) {
                    target.kill(); // a start that timed out left its JVM behind
                }
                target.start();
            });
            return new FaultRecord(f, name, start, System.nanoTime(), true, note);
        } finally {
            release(target);
        }
    }

    /**
     * Starts a killed process again, retrying as an orchestrator would when the start fails (a
     * worker or topology started while the broker is down exits); at most 6 tries, 5 s apart.
     * Returns a note naming the failed tries, empty when the first worked.
     */
    private String startAgain(String name, Step start) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                start.run();
                return attempt == 1 ? "" : "started on try " + attempt;
            } catch (IOException e) {
                if (attempt == 6) {
                    throw e;
                }
                log.info(name + " did not start (" + e.getMessage().lines().findFirst().orElse("") + "); again in 5 s");
                Thread.sleep(5_000);
            }
        }
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private FaultRecord outage(Fault f, long start, String target, Step down, Step up) throws Exception {
        log.info(f.kind().label + " begins: " + target);
        down.run();
        Thread.sleep(plan.outage().toMillis());
        up.run();
        return new FaultRecord(f, target, start, System.nanoTime(), true, "");
    }

    private FaultRecord registryOutage(Fault f, long start) throws Exception {
        RegistryProbe probe = new RegistryProbe(stack);
        Map<String, String> before = probe.snapshot();
        log.info(f.kind().label + " begins: kill -9 Apicurio (" + before.size() + " subjects)");
        stack.registry().kill();
        Thread.sleep(plan.outage().toMillis());
        stack.restartRegistry();
        Map<String, String> after = probe.snapshot();
        boolean kept = after.entrySet().containsAll(before.entrySet());
        return new FaultRecord(f, "apicurio (H2 file)", start, System.nanoTime(), kept,
                kept ? "every schema id kept" : "schema ids CHANGED: " + before + " -> " + after);
    }

    private synchronized Object joinedTopology() {
        return joinedTopology;
    }

    private synchronized Object joinedWorker() {
        return joinedWorker;
    }

    private FaultRecord join(Fault f, long start) throws Exception {
        TopologyFleet.Instance added = topology.add();
        synchronized (this) {
            joinedTopology = added;
        }
        return new FaultRecord(f, added.toString(), start, System.nanoTime(), true, "");
    }

    private FaultRecord joinWorker(Fault f, long start) throws Exception {
        ConnectWorker added = workers.add();
        synchronized (this) {
            joinedWorker = added;
        }
        return new FaultRecord(f, "worker@" + added.restUrl().substring(added.restUrl().lastIndexOf(':') + 1), start,
                System.nanoTime(), true, "");
    }

    /** A clean leave (SIGTERM) of what joined earlier; never in the middle of a kill of it. */
    private FaultRecord leave(Fault f, long start, Supplier<Object> joinedNow) throws Exception {
        Object joined = joinedNow.get();
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); joined == null
                && System.nanoTime() < deadline; joined = joinedNow.get()) {
            Thread.sleep(500); // the join is still starting its JVM
        }
        if (joined == null) {
            return new FaultRecord(f, "none", start, System.nanoTime(), false, "nothing had joined");
        }
        synchronized (busy) {
            while (busy.contains(joined)) {
                busy.wait(1_000);
            }
            left.add(joined);
        }
        if (joined instanceof TopologyFleet.Instance i) {
            i.stop();
        } else if (joined instanceof ConnectWorker w) {
            w.close();
        }
        String name = joined instanceof ConnectWorker w ? "worker@" + w.restUrl().substring(w.restUrl().lastIndexOf(':') + 1)
                : String.valueOf(joined);
        return new FaultRecord(f, name, start, System.nanoTime(), true, "");
    }

    /** A live target no other fault is working on, chosen at random; waits up to 60 s for one. */
    private <T> T take(List<T> all, Predicate<T> alive) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (busy) {
            while (System.nanoTime() < deadline) {
                List<T> free = all.stream().filter(t -> !busy.contains(t) && !left.contains(t) && alive.test(t)).toList();
                if (!free.isEmpty()) {
                    T t;
                    synchronized (random) {
                        t = free.get(random.nextInt(free.size()));
                    }
                    busy.add(t);
                    return t;
                }
                busy.wait(1_000);
            }
        }
        return null;
    }

    private void release(Object target) {
        synchronized (busy) {
            busy.remove(target);
            busy.notifyAll();
        }
    }

    private long restartDelay() {
        synchronized (random) {
            return 2_000 + random.nextInt(4_000);
        }
    }

    @Override
    public void close() {
        supervisor.shutdownNow();
        executor.shutdownNow();
    }
}
