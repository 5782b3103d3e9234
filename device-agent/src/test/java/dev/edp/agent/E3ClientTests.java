package dev.edp.agent;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which answers stop the agent and which it retries, and how it reads
 * {@code Retry-After}.
 */
class E3ClientTests {

    @Test
    void onlyE3sCertificateRefusalsStopTheAgent() {
        assertThat(E3Client.kind(401, "DEVICE_CERTIFICATE_REVOKED")).isEqualTo(E3Exception.Kind.UNAUTHORIZED);
        assertThat(E3Client.kind(401, "DEVICE_CERTIFICATE_INVALID")).isEqualTo(E3Exception.Kind.UNAUTHORIZED);
        assertThat(E3Client.kind(401, "DEVICE_CERTIFICATE_REQUIRED")).isEqualTo(E3Exception.Kind.UNAUTHORIZED);
        assertThat(E3Client.kind(401, "DEVICE_ASSERTION_INVALID")).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(401, "UNAUTHORIZED")).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(401, null)).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(403, "DEVICE_CERTIFICATE_REVOKED")).as("only as a 401")
            .isEqualTo(E3Exception.Kind.REJECTED);
        assertThat(E3Client.kind(429, "TOO_MANY_REQUESTS")).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(503, "DEVICE_TRUST_UNAVAILABLE")).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(408, null)).isEqualTo(E3Exception.Kind.RETRYABLE);
        assertThat(E3Client.kind(400, "VALIDATION_FAILED")).isEqualTo(E3Exception.Kind.REJECTED);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDateAndNeverNegative() {
        assertThat(E3Client.retryAfter(" 7 ")).hasValue(Duration.ofSeconds(7));
        assertThat(E3Client.retryAfter("-3")).hasValue(Duration.ZERO);
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME
            .format(Instant.now().plusSeconds(120).atOffset(ZoneOffset.UTC));
        assertThat(E3Client.retryAfter(inTwoMinutes))
            .hasValueSatisfying(wait -> assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(120)));
        assertThat(E3Client.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT")).hasValue(Duration.ZERO);
        assertThat(E3Client.retryAfter("soon")).isEmpty();
    }

}
