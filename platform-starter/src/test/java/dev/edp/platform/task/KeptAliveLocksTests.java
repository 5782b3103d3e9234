package dev.edp.platform.task;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

import dev.edp.test.postgres.TestPostgres;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeptAliveLocks} against a real PostgreSQL: a held lock outlives its
 * {@code lockAtMostFor} while its job runs, and a service that declares it keeps Boot's
 * scheduler for its {@code @Scheduled} jobs.
 */
class KeptAliveLocksTests {

    @Test
    void aHeldLockIsExtendedWhileItsJobRunsAndAnotherReplicaGetsItOnlyOnceItIsReleased() throws Exception {
        DataSource database = database();
        try (KeptAliveLocks first = new KeptAliveLocks(database);
                KeptAliveLocks second = new KeptAliveLocks(database)) {
            Instant now = Instant.now();
            SimpleLock held = first.lock(new LockConfiguration(now, "job", Duration.ofSeconds(30), Duration.ZERO))
                .orElseThrow();
            Instant until = lockUntil(database);
            // Extended every half lockAtMostFor (15 s): lock_until moves past its first
            // value while the job runs.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!lockUntil(database).isAfter(until.plusSeconds(5)) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(lockUntil(database)).as("lock_until while the job runs").isAfter(until.plusSeconds(5));
            assertThat(second.lock(new LockConfiguration(Instant.now(), "job", Duration.ofSeconds(30), Duration.ZERO)))
                .as("the other replica's attempt while the job runs")
                .isEmpty();

            held.unlock();
            Optional<SimpleLock> taken = second
                .lock(new LockConfiguration(Instant.now(), "job", Duration.ofSeconds(30), Duration.ZERO));
            assertThat(taken).as("the other replica's attempt once the job ended").isPresent();
            taken.get().unlock();
        }
    }

    @Test
    void scheduledJobsRunOnBootsSchedulerNotOnTheKeepAliveThread() throws Exception {
        DataSource database = database();
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
            .withBean(DataSource.class, () -> database)
            .withUserConfiguration(ScheduledJob.class)
            .run(context -> {
                assertThat(context).hasSingleBean(TaskScheduler.class);
                ScheduledJob job = context.getBean(ScheduledJob.class);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (job.threads.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(job.threads).as("threads the job ran on")
                    .hasSizeGreaterThanOrEqualTo(3)
                    .noneMatch(name -> name.contains("keep-alive"));
            });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class ScheduledJob {

        final List<String> threads = new CopyOnWriteArrayList<>();

        @Bean
        KeptAliveLocks lockProvider(DataSource dataSource) {
            return new KeptAliveLocks(dataSource);
        }

        @Scheduled(fixedDelay = 10)
        void run() {
            threads.add(Thread.currentThread().getName());
        }

    }

    private static DataSource database() {
        TestPostgres.Database coordinates = TestPostgres.get().createDatabase();
        DataSource database = new DriverManagerDataSource(coordinates.url(), coordinates.user(),
                coordinates.password());
        JdbcClient.create(database).sql("""
                CREATE TABLE shedlock (name VARCHAR(64) NOT NULL PRIMARY KEY, lock_until TIMESTAMPTZ NOT NULL,
                    locked_at TIMESTAMPTZ NOT NULL, locked_by VARCHAR(255) NOT NULL)""").update();
        return database;
    }

    private static Instant lockUntil(DataSource database) {
        return JdbcClient.create(database)
            .sql("SELECT lock_until FROM shedlock WHERE name = 'job'")
            .query(Timestamp.class)
            .single()
            .toInstant();
    }

}
