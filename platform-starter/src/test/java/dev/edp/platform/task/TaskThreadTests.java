package dev.edp.platform.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's one background loop: runs, survives failures, logs them once, stops
 * cleanly.
 */
class TaskThreadTests {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private final Logger logger = (Logger) LoggerFactory.getLogger(TaskThread.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    @Test
    void aFailingTaskKeepsRunningAndItsFailuresAreLoggedOnceWithoutStackTraceAndOnceWhenItWorksAgain() {
        AtomicInteger runs = new AtomicInteger();
        try (TaskThread tasks = TaskThread.start("test-tasks")
            .fixedDelay("flaky", Duration.ZERO, Duration.ofMillis(5), () -> {
                if (runs.incrementAndGet() <= 5) {
                    throw new IllegalStateException("database down");
                }
            })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 8);
            assertThat(tasks.isRunning()).isTrue();
        }
        List<ILoggingEvent> warnings = logged.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getFormattedMessage()).contains("test-tasks flaky failed", "database down");
        assertThat(warnings.getFirst().getThrowableProxy()).isNull();
        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.INFO)
            .extracting(ILoggingEvent::getFormattedMessage)
            .containsExactly("test-tasks flaky works again after 5 failed runs");
    }

    @Test
    void aReschedulingTaskRunsWhenItsClockSaysItIsDueAndAtTheTimeItNames() {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        AtomicInteger runs = new AtomicInteger();
        // Due an hour ago by the clock: runs at once; each run names a time already past,
        // so it runs again.
        try (TaskThread tasks = TaskThread.start("test-renewal")
            .rescheduling("renewal", clock, now.minusSeconds(3600), () -> {
                runs.incrementAndGet();
                return now.minusSeconds(1);
            })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 3);
        }
        AtomicInteger later = new AtomicInteger();
        try (TaskThread tasks = TaskThread.start("test-renewal")
            .rescheduling("renewal", clock, now.plusSeconds(3600), () -> {
                later.incrementAndGet();
                return now.plusSeconds(3600);
            })) {
            // Due in an hour by the clock: nothing runs meanwhile (a slow machine can
            // only make this pass).
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> later.get() == 0);
        }
    }

    @Test
    void closingLetsARunningTaskFinishWithinItsGraceAndRunsNothingAfterwards() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        TaskThread tasks = TaskThread.start("test-flush")
            .fixedDelay("flush", Duration.ZERO, Duration.ofMillis(1), () -> {
                runs.incrementAndGet();
                started.countDown();
                try {
                    Thread.sleep(200);
                    finished.set(true);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        tasks.close(Duration.ofSeconds(30));
        assertThat(finished).isTrue();
        assertThat(tasks.isRunning()).isFalse();
        int after = runs.get();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> runs.get() == after);
    }

}
