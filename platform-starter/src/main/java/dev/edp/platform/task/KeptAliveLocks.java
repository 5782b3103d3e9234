package dev.edp.platform.task;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ShedLock locks of a service's scheduled jobs: rows of the {@code shedlock} table in
 * the service's schema, timed by the database's clock, and kept alive while their job
 * runs (ShedLock's {@link KeepAliveLockProvider} extends a held lock every half
 * {@code lockAtMostFor}). A job may therefore run longer than its {@code lockAtMostFor},
 * which only bounds how long a replica that died holding the lock keeps the others from
 * the job; {@code lockAtMostFor} must be at least 30 s.
 * <p>
 * Declare it as the service's {@link LockProvider} bean; closing it (the context does)
 * stops its keep-alive thread. The thread is its own on purpose: a
 * {@link ScheduledExecutorService} bean would be taken by Spring for the scheduler of
 * every {@code @Scheduled} job, and Boot's own scheduler would back off (seen:
 * monitoring's jobs all ran on the keep-alive thread, and a running job held up the
 * extensions).
 */
public final class KeptAliveLocks implements LockProvider, AutoCloseable {

    private final ScheduledExecutorService keepAlive = Executors
        .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("shedlock-keep-alive").daemon().factory());

    private final LockProvider locks;

    /**
     * @param dataSource the service's database; its {@code shedlock} table is the one the
     * connections see (the service's schema)
     */
    public KeptAliveLocks(DataSource dataSource) {
        this.locks = new KeepAliveLockProvider(
                new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                    .withJdbcTemplate(new JdbcTemplate(dataSource))
                    .usingDbTime()
                    .build()),
                keepAlive);
    }

    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        return locks.lock(configuration);
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
    }

}
