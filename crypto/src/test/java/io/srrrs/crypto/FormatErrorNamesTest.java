package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsThrottledException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/FORMAT.md §12 and {@link Failure} name the same failures, and nothing else is named. */
class FormatErrorNamesTest {

    private static String formatMd() throws IOException {
        return Files.readString(Path.of(System.getProperty("srrrs.docs", "../docs"), "FORMAT.md"));
    }

    private static Set<String> codeNames() {
        Set<String> names = new TreeSet<>();
        Arrays.stream(Failure.values()).map(Enum::name).forEach(names::add);
        return names;
    }

    @Test
    void theErrorTableListsExactlyTheNamesOfTheCode() throws IOException {
        String md = formatMd();
        String table = md.substring(md.indexOf("## 12. Error names"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\|").matcher(table);
        while (m.find()) {
            assertThat(documented.add(m.group(1))).as("%s listed twice", m.group(1)).isTrue();
        }
        assertThat(documented).isEqualTo(codeNames());
    }

    @Test
    void everyErrorNameThePageUsesExists() throws IOException {
        Matcher m = Pattern.compile("`([A-Z]+(?:_[A-Z]+)+)`").matcher(formatMd());
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(codeNames()).containsAll(used);
    }

    @Test
    void everyKmsFailureHasItsOneName() {
        assertThat(Failure.of(new KekNotAllowedException("x"))).isEqualTo(Failure.KEK_NOT_ALLOWED);
        assertThat(Failure.of(new UnknownKeyException("x"))).isEqualTo(Failure.UNKNOWN_KEK);
        assertThat(Failure.of(new InvalidWrappedKeyException("x"))).isEqualTo(Failure.UNWRAP_FAILED);
        assertThat(Failure.of(new KeyDisabledException("x"))).isEqualTo(Failure.KMS_FAILED);
        assertThat(Failure.of(new KmsAccessDeniedException("x"))).isEqualTo(Failure.KMS_FAILED);
        assertThat(Failure.of(new KmsUnavailableException("x"))).isEqualTo(Failure.KMS_FAILED);
        assertThat(Failure.of(new KmsThrottledException("x"))).isEqualTo(Failure.KMS_FAILED);
        for (Failure f : Failure.values()) {
            if (!f.fromKms()) {
                assertThat(CiphertextException.of(f, "m").failure()).isEqualTo(f);
            }
        }
    }
}
