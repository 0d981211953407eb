package io.srrrs.embedded;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals to a child process by pid, for faults the JDK cannot make: {@code Process}
 * offers SIGTERM and SIGKILL only, and an outage that must keep the process's memory (moto's
 * keys, a registry's in-memory schemas) needs SIGSTOP and SIGCONT.
 */
public final class Signals {

    private Signals() {
    }

    /** {@code kill -<signal> <pid>}; {@code signal} is a name such as STOP, CONT, KILL. */
    public static void send(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes());
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + out.strip());
        }
    }
}
