package dev.edp.agent;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the agent's PEM reading ({@link Pems}): certificate chains from E3's answers and
 * the device's files, private keys from its files. The first byte picks the reader. The
 * contract: {@link IllegalArgumentException} with a message, or a sane result; anything
 * else is a finding. Seeds: {@code PemsFuzzTestsInputs/pemsAreRefusedOrSane/}.
 */
class PemsFuzzTests {

    @FuzzTest(maxDuration = "30s")
    void pemsAreRefusedOrSane(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String text = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.US_ASCII);
        try {
            if ((input[0] & 1) == 0) {
                List<X509Certificate> certificates = Pems.certificates(text);
                assertThat(certificates).doesNotContainNull();
            }
            else {
                PrivateKey key = Pems.privateKey(text);
                assertThat(key.getAlgorithm()).isNotBlank();
            }
        }
        catch (IllegalArgumentException ex) {
            assertThat(ex.getMessage()).isNotBlank();
        }
    }

}
