package dev.edp.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RenewalScheduleTests {

    static final Instant NOT_BEFORE = Instant.parse("2026-11-01T00:00:00Z");
    static final DeviceIdentity NINETY_DAYS = new DeviceIdentity(UUID.randomUUID(), UUID.randomUUID(), "0a", NOT_BEFORE,
            NOT_BEFORE.plus(Duration.ofDays(90)));

    @Test
    void renewsAtTwoThirdsOfTheLifetime() {
        assertThat(RenewalSchedule.renewAt(NINETY_DAYS)).isEqualTo(NOT_BEFORE.plus(Duration.ofDays(60)));
    }

    @Test
    void waitsUntilTwoThirdsAndIsDueFromThen() {
        RenewalSchedule early = new RenewalSchedule(at(NOT_BEFORE.plus(Duration.ofDays(10))));
        assertThat(early.untilRenewal(NINETY_DAYS)).isEqualTo(Duration.ofDays(50));
        assertThat(early.isDue(NINETY_DAYS)).isFalse();

        RenewalSchedule justBefore = new RenewalSchedule(at(NOT_BEFORE.plus(Duration.ofDays(60)).minusSeconds(1)));
        assertThat(justBefore.isDue(NINETY_DAYS)).isFalse();
        assertThat(justBefore.untilRenewal(NINETY_DAYS)).isEqualTo(Duration.ofSeconds(1));

        RenewalSchedule due = new RenewalSchedule(at(NOT_BEFORE.plus(Duration.ofDays(60))));
        assertThat(due.isDue(NINETY_DAYS)).isTrue();
        assertThat(due.untilRenewal(NINETY_DAYS)).isZero();

        RenewalSchedule late = new RenewalSchedule(at(NOT_BEFORE.plus(Duration.ofDays(89))));
        assertThat(late.untilRenewal(NINETY_DAYS)).isZero();
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

}
