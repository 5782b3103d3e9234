package dev.edp.monitoring.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Daily partitions: created ahead, dropped whole after the retention (7 days). */
@MonitoringTest
class HistoryPartitionsIntegrationTests {

    @Autowired
    HistoryPartitions partitions;

    @Test
    void partitionsAreCreatedAheadAndDroppedAfterTheRetention() {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        partitions.ensureFor(now.minus(Duration.ofDays(10)));
        partitions.ensureFor(now.minus(Duration.ofDays(6)));
        assertThat(partitions.partitions()).contains(today.minusDays(10), today.minusDays(6));

        assertThat(partitions.maintain(now)).contains(today.minusDays(10)).doesNotContain(today.minusDays(6));

        assertThat(partitions.partitions()).doesNotContain(today.minusDays(10))
            .contains(today.minusDays(6), today, today.plusDays(1), today.plusDays(2));
    }

}
