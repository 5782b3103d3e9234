package dev.edp.monitoring.notification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The pieces of delivery that need no server: backoff, the webhook signature, the stored
 * secrets.
 */
class NotificationRetryAndSignatureTests {

    @Test
    void backoffDoublesFromTheInitialWaitAndStopsAtTheMaximum() {
        NotificationProperties properties = new NotificationProperties(Duration.ofSeconds(2), 5, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofMinutes(15), 50, "a@b.example", Duration.ofSeconds(10), false, false,
                Duration.ofDays(30), null);
        assertThat(properties.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(properties.backoff(4)).isEqualTo(Duration.ofSeconds(60));
        assertThat(properties.backoff(30)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void signatureIsTheHexHmacSha256OfTheTimestampADotAndTheExactBody() {
        // RFC 4231 test case 2's key and message, with a timestamp in front (expected
        // values from Python's hmac module).
        byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
        assertThat(Webhooks.signature("Jefe", 1_700_000_000L, body))
            .isEqualTo("v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e");
        // Another second, another signature: a receiver that checks the time refuses an
        // old one.
        assertThat(Webhooks.signature("Jefe", 1_700_000_001L, body))
            .isEqualTo("v1=9b1bf98549c40daa2f6f77815f85ac92e4e54965dcad85a7255aadec8faed4da");
    }

    @Test
    void secretsAreEncryptedPerChannelAndOnlyDecryptForThatChannelWithThatKey() {
        ChannelSecrets secrets = ChannelSecrets.fromConfiguration(Base64.getEncoder()
            .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        UUID channel = UUID.randomUUID();
        byte[] stored = secrets.encrypt("s3cret-of-the-customer", channel);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
        assertThat(secrets.encrypt("s3cret-of-the-customer", channel)).as("fresh nonce").isNotEqualTo(stored);
        assertThat(secrets.decrypt(stored, channel)).isEqualTo("s3cret-of-the-customer");
        assertThatIllegalStateException().isThrownBy(() -> secrets.decrypt(stored, UUID.randomUUID()));
        ChannelSecrets otherKey = ChannelSecrets.fromConfiguration(Base64.getEncoder()
            .encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII)));
        assertThatIllegalStateException().isThrownBy(() -> otherKey.decrypt(stored, channel))
            .withMessageContaining("EDP_MONITORING_SECRETS_KEY");
        byte[] changed = stored.clone();
        changed[changed.length - 1] ^= 1;
        assertThatIllegalStateException().isThrownBy(() -> secrets.decrypt(changed, channel));
    }

    @Test
    void aMissingOrUnusableKeyStopsTheStartWithAMessageNamingTheSetting() {
        for (String key : new String[] { null, "", "not base64!", Base64.getEncoder().encodeToString(new byte[16]),
                Base64.getEncoder().encodeToString(new byte[32]) }) {
            assertThatIllegalStateException().isThrownBy(() -> ChannelSecrets.fromConfiguration(key))
                .withMessageContaining("EDP_MONITORING_SECRETS_KEY");
        }
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
