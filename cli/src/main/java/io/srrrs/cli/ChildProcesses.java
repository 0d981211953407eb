package io.srrrs.cli;

import io.srrrs.embedded.CephRgw;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The processes a local stack started outside its own JVM, as recorded in {@code DIR/stack.parts}
 * while it starts them: each child process (pid, start time, command line) and each Ceph cluster
 * directory. {@link #reap} is how {@code srrrs down} makes sure none of them outlives the stack,
 * whatever state the stack's JVM reached (stopped cleanly, killed, or stopped half-way through
 * starting). A recorded pid is signalled only while {@code /proc/<pid>/cmdline} and its start time
 * are still the recorded ones: a pid the system has since given to another process is left alone.
 * Linux only, like the stack's Ceph.
 */
final class ChildProcesses {

    static final String FILE = "stack.parts";
    private static final String CHILD = "child ";
    private static final String CEPH = "ceph-dir ";

    private ChildProcesses() {
    }

    /** One recorded child process. */
    record Child(long pid, long startedMillis, String cmdline) {
        /** Still running, and still the process that was recorded. */
        boolean alive() {
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            return h.isPresent() && cmdline.equals(ChildProcesses.cmdline(pid))
                    && startedMillis == ChildProcesses.startedMillis(h.get());
        }

        @Override
        public String toString() {
            return "pid " + pid + " (" + (cmdline.length() > 100 ? cmdline.substring(0, 100) + "…" : cmdline) + ")";
        }
    }

    /** What a stack directory's record holds. */
    record Parts(List<Child> children, List<Path> cephDirs) {
        boolean isEmpty() {
            return children.isEmpty() && cephDirs.isEmpty();
        }
    }

    /** What {@link #reap} did: the leftovers it stopped, and those still running despite it. */
    record Reaped(List<String> stopped, List<String> remaining) {
    }

    // ---- the record ----------------------------------------------------------------------------

    static void startRecord(Path stackDir) throws IOException {
        Files.writeString(stackDir.resolve(FILE), "# what the local stack started; `srrrs down` stops what is left of it\n");
    }

    static void recordChild(Path stackDir, Child child) throws IOException {
        append(stackDir, CHILD + child.pid() + " " + child.startedMillis() + " " + child.cmdline());
    }

    static void recordCephDir(Path stackDir, Path cephDir) throws IOException {
        append(stackDir, CEPH + cephDir.toAbsolutePath().normalize());
    }

    private static void append(Path stackDir, String line) throws IOException {
        Files.writeString(stackDir.resolve(FILE), line.replace('\n', ' ') + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static Parts read(Path stackDir) {
        // A pid may be recorded twice: caught between fork and exec, then again with its own command line.
        Map<String, Child> children = new LinkedHashMap<>();
        List<Path> ceph = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.exists(stackDir.resolve(FILE)) ? Files.readAllLines(stackDir.resolve(FILE)) : List.of();
        } catch (IOException e) {
            lines = List.of();
        }
        for (String line : lines) {
            if (line.startsWith(CEPH)) {
                ceph.add(Path.of(line.substring(CEPH.length())));
            } else if (line.startsWith(CHILD)) {
                String[] f = line.substring(CHILD.length()).split(" ", 3);
                try {
                    children.putIfAbsent(f[0] + " " + (f.length > 2 ? f[2] : ""), new Child(Long.parseLong(f[0]), Long.parseLong(f[1]),
                            f.length > 2 ? f[2] : ""));
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException torn) {
                    // a line cut short by a crash: the pid it named was recorded again or never ran
                }
            }
        }
        return new Parts(List.copyOf(children.values()), List.copyOf(ceph));
    }

    // ---- stopping what is left -----------------------------------------------------------------

    /**
     * Stops whatever the record of {@code stackDir} names that still runs — recorded children,
     * and the daemons of each recorded Ceph cluster ({@code bin/ceph-rgw stop DIR}) — and says
     * what, if anything, is still running afterwards. Call it once the stack's JVM has exited.
     */
    static Reaped reap(Path stackDir) {
        Parts parts = read(stackDir);
        List<String> stopped = new ArrayList<>();
        List<ProcessHandle> others = new ArrayList<>();
        for (Child c : parts.children()) {
            // Ceph daemons are SIGKILLed below, by their cluster: on SIGTERM memstore would first write out every object.
            if (c.alive() && parts.cephDirs().stream().noneMatch(d -> names(c.cmdline(), cephConf(d)))) {
                stopped.add(c.toString());
                ProcessHandle.of(c.pid()).ifPresent(others::add);
            }
        }
        terminate(others, Duration.ofSeconds(10)); // first: bin/ceph-rgw start, if still running, would start more
        for (Path ceph : parts.cephDirs()) {
            naming(cephConf(ceph)).forEach(p -> stopped.add(describe(p).toString()));
            stopCeph(ceph);
        }
        terminate(parts.children().stream().filter(Child::alive).flatMap(c -> ProcessHandle.of(c.pid()).stream()).toList(),
                Duration.ZERO);
        List<String> remaining = new ArrayList<>();
        parts.children().stream().filter(Child::alive).forEach(c -> remaining.add(c.toString()));
        parts.cephDirs().forEach(ceph -> naming(cephConf(ceph)).forEach(p -> remaining.add(describe(p).toString())));
        return new Reaped(stopped, remaining);
    }

    /** {@code bin/ceph-rgw stop DIR}, then SIGKILL for any daemon still naming its configuration. */
    static void stopCeph(Path cephDir) {
        try {
            CephRgw.stop(cephDir);
        } catch (IOException e) {
            // its daemons are killed below all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Throwaway data (memstore): SIGKILL, as bin/ceph-rgw stop does.
        terminate(naming(cephConf(cephDir)).toList(), Duration.ZERO);
    }

    /** SIGTERM, up to {@code grace} to exit, then SIGKILL; returns once they are gone (at most 10 s more). */
    static void terminate(Collection<ProcessHandle> processes, Duration grace) {
        processes.forEach(grace.isZero() ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep();
        }
        processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < killDeadline) {
            sleep();
        }
    }

    // ---- /proc ---------------------------------------------------------------------------------

    static Path cephConf(Path cephDir) {
        return cephDir.toAbsolutePath().normalize().resolve("ceph.conf");
    }

    /** Every process one of whose arguments is exactly {@code file} (a Ceph daemon's {@code -c ceph.conf}). */
    static Stream<ProcessHandle> naming(Path file) {
        return ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> names(cmdline(p.pid()), file));
    }

    private static boolean names(String cmdline, Path file) {
        return Arrays.asList(cmdline.split(" ")).contains(file.toString());
    }

    /** {@code /proc/<pid>/cmdline} with its NULs as spaces; empty when the process is gone. */
    static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').replace('\n', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    static long startedMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    static Child describe(ProcessHandle p) {
        return new Child(p.pid(), startedMillis(p), cmdline(p.pid()));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
