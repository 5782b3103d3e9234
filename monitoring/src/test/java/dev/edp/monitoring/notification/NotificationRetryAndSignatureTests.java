package dev.edp.monitoring.notification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of delivery that need no server: backoff and the webhook signature. */
class NotificationRetryAndSignatureTests {

    @Test
    void backoffDoublesFromTheInitialWaitAndStopsAtTheMaximum() {
        NotificationProperties properties = new NotificationProperties(Duration.ofSeconds(2), 5,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(15), 50, "a@b.example",
                Duration.ofSeconds(10), false, false, Duration.ofDays(30));
        assertThat(properties.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(properties.backoff(4)).isEqualTo(Duration.ofSeconds(60));
        assertThat(properties.backoff(30)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void signatureIsTheHexHmacSha256OfTheExactBody() {
        // RFC 4231, test case 2.
        assertThat(Webhooks.signature("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void errorTextsAreStorableWithoutControlCharactersAndAtMost2000Characters() {
        assertThat(NotificationSender.storable("550 mailbox\u0000 unavailable\r\n"))
                .isEqualTo("550 mailbox  unavailable \n");
        assertThat(NotificationSender.storable("x".repeat(5000))).hasSize(2000);
    }

    @Test
    void generatedSecretsAre256RandomBitsInHex() {
        assertThat(Webhooks.newSecret()).matches("[0-9a-f]{64}").isNotEqualTo(Webhooks.newSecret());
    }
}
