package dev.edp.platform.audit;

import java.time.Instant;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StampTests {

    private static final Instant CREATED = Instant.parse("2026-12-01T08:00:00Z");

    private static final Instant CHANGED = Instant.parse("2026-12-05T09:30:00.123456Z");

    @Test
    void aCreatedRecordIsVersionOneAndUnchangedSinceItsCreation() {
        assertThat(Stamp.created(CREATED, "olga")).isEqualTo(new Stamp(1, CREATED, "olga", CREATED, "olga"));
    }

    @Test
    void aChangeCountsTheVersionUpAndKeepsTheCreation() {
        Stamp changed = Stamp.created(CREATED, "olga").next(CHANGED, "carl").next(CHANGED, "vera");
        assertThat(changed).isEqualTo(new Stamp(3, CREATED, "olga", CHANGED, "vera"));
    }

    @Test
    void itsParametersAreTheColumnsWithTimesAsTimestamps() {
        assertThat(Stamp.created(CREATED, "olga").next(CHANGED, "carl").params()).containsEntry("version", 2L)
            .containsEntry("createdAt", OffsetDateTime.parse("2026-12-01T08:00:00Z"))
            .containsEntry("createdBy", "olga")
            .containsEntry("updatedAt", OffsetDateTime.parse("2026-12-05T09:30:00.123456Z"))
            .containsEntry("updatedBy", "carl")
            .hasSize(5);
    }

    @Test
    void nowIsAtDatabasePrecision() {
        assertThat(Clocks.now().getNano() % 1000).isZero();
    }

}
