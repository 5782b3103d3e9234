package dev.edp.platform.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread of its own, named, that runs a few background tasks of a component one
 * after the other: each after a fixed delay, or at the time its last run named (measured
 * with a {@link Clock} a test can control). A failing run is logged once per streak of
 * failures, with its message and without a stack trace (the trace at debug), and once
 * more when the task works again, so a database outage is a few lines in the log, not one
 * a second. {@link #close(Duration)} stops it, letting a running task finish within a
 * grace period; components call it from their {@code stop()}/{@code destroy()}, so it
 * stops on context close.
 *
 * <pre>
 * tasks = TaskThread.start("monitoring-flush")
 *         .fixedDelay("flush", interval, interval, this::flush);
 * …
 * tasks.close(Duration.ofSeconds(30));
 * </pre>
 */
public final class TaskThread implements AutoCloseable {

    /** How long a rescheduling task whose run failed waits before its next run. */
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(TaskThread.class);

    private final String name;

    private final ScheduledExecutorService executor;

    private TaskThread(String name) {
        this.name = name;
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    }

    /**
     * @param name the thread's name, also in the log lines of its tasks
     * @return a running thread without tasks yet
     */
    public static TaskThread start(String name) {
        return new TaskThread(Objects.requireNonNull(name));
    }

    /**
     * Runs a task again and again, each run {@code delay} after the previous one ended.
     * @param task the task's name in log lines
     * @param initialDelay wait before the first run
     * @param delay wait between the end of one run and the start of the next
     * @param run the work; an exception is logged (see above) and the next run happens as
     * planned
     * @return this thread
     */
    public TaskThread fixedDelay(String task, Duration initialDelay, Duration delay, Runnable run) {
        Failures failures = new Failures(task);
        executor.scheduleWithFixedDelay(() -> {
            try {
                run.run();
                failures.succeeded();
            }
            catch (RuntimeException ex) {
                failures.failed(ex);
            }
        }, initialDelay.toMillis(), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Runs a task whose every run names when the next one is due (a certificate renewed
     * at two thirds of its lifetime, or sooner after a failure).
     * @param task the task's name in log lines
     * @param clock the time the runs are due at
     * @param first when the first run is due
     * @param run the work, returning when its next run is due; an exception is logged and
     * the next run is {@link #RETRY_AFTER_FAILURE} later
     * @return this thread
     */
    public TaskThread rescheduling(String task, Clock clock, Instant first, Supplier<Instant> run) {
        schedule(new Failures(task), clock, first, run);
        return this;
    }

    private void schedule(Failures failures, Clock clock, Instant at, Supplier<Instant> run) {
        if (executor.isShutdown()) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        executor.schedule(() -> {
            Instant next;
            try {
                next = Objects.requireNonNull(run.get(), "next run");
                failures.succeeded();
            }
            catch (RuntimeException ex) {
                failures.failed(ex);
                next = clock.instant().plus(RETRY_AFTER_FAILURE);
            }
            schedule(failures, clock, next, run);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * @return whether it has not been closed
     */
    public boolean isRunning() {
        return !executor.isShutdown();
    }

    /**
     * Runs no task any more; a running one may finish within {@code grace}, then it is
     * interrupted.
     * @param grace how long a running task may take to finish ({@link Duration#ZERO}:
     * interrupt it)
     */
    public void close(Duration grace) {
        executor.shutdown();
        try {
            if (grace.isZero() || !executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Closes without grace: a running task is interrupted. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** The failures of one task in a row: the first is logged, the rest only counted. */
    private final class Failures {

        private final String task;

        private int inARow;

        Failures(String task) {
            this.task = task;
        }

        void failed(RuntimeException ex) {
            inARow++;
            if (inARow == 1) {
                log.warn("{} {} failed: {} (logged again when it works again)", name, task, ex.toString());
            }
            log.debug("{} {} failed ({} in a row)", name, task, inARow, ex);
        }

        void succeeded() {
            if (inARow > 0) {
                log.info("{} {} works again after {} failed runs", name, task, inARow);
                inARow = 0;
            }
        }

    }

}
