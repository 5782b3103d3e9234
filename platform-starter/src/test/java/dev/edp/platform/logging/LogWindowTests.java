package dev.edp.platform.logging;

import java.time.Duration;

import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per window, the others counted and named with the next line. */
class LogWindowTests {

    @Test
    void theFirstLineOfAWindowPassesTheOthersAreCountedIntoTheNextWindowsLine() {
        TestClock clock = TestClock.at(java.time.Instant.parse("2026-12-06T12:00:00Z"));
        LogWindow window = new LogWindow(Duration.ofSeconds(10), clock);
        assertThat(window.heldBackIfDue()).isZero();
        assertThat(window.heldBackIfDue()).isEqualTo(-1);
        clock.advance(Duration.ofSeconds(9));
        assertThat(window.heldBackIfDue()).isEqualTo(-1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(window.heldBackIfDue()).isEqualTo(2);
        assertThat(window.heldBackIfDue()).isEqualTo(-1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(window.heldBackIfDue()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(window.heldBackIfDue()).isZero();
        assertThat(LogWindow.andMore(0)).isEmpty();
        assertThat(LogWindow.andMore(2)).isEqualTo(" and 2 more times since the last such line");
    }

}
