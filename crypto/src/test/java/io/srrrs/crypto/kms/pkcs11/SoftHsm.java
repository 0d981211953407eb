package io.srrrs.crypto.kms.pkcs11;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SoftHSM2 token for tests, in a directory of its own. The PKCS#11 module reads its
 * configuration from SOFTHSM2_CONF, which the build sets for the test JVM (crypto/pom.xml); this
 * class writes that file and initialises a token with softhsm2-util.
 */
final class SoftHsm {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final String PIN = "5678";

    final long slot;

    private SoftHsm(long slot) {
        this.slot = slot;
    }

    static SoftHsm initToken(String label) throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: run the tests through Maven (bin/test)");
        }
        if (!Files.isReadable(LIBRARY) || !Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))) {
            throw new IllegalStateException("SoftHSM2 is not installed: run bin/install-test-deps (apt-get install softhsm2)");
        }
        Path confFile = Path.of(conf);
        Path tokens = confFile.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                + "log.level = ERROR\nslots.removable = false\n");
        String out = run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "1234", "--pin", PIN);
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("softhsm2-util did not say which slot it used: " + out);
        }
        return new SoftHsm(Long.parseLong(m.group(1)));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    Pkcs11Kms.Config config() {
        return new Pkcs11Kms.Config(LIBRARY, slot, 0, PIN.toCharArray());
    }
}
