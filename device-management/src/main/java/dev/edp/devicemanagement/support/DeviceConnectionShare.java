package dev.edp.devicemanagement.support;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Component;

/**
 * The part of the connection pool that device requests (through E3) may hold at once: the
 * pool's size less {@code edp.device-management.reserved-connections} (3 by default), so
 * that a burst of devices (every long-poll of a killed replica arriving here at once, a
 * whole customer woken by a pin) cannot starve operators' calls, the relays and the
 * schedulers of connections (a 503 after the pool's 2 s, seen in a platform fault test).
 * A device request waits up to {@code edp.device-management.device-share-wait} (5 s) for
 * its turn, then is a 503 {@code DATABASE_UNAVAILABLE} with {@code Retry-After} (the
 * starter's database fault), which agents retry with backoff.
 */
@Component
public class DeviceConnectionShare {

    private final Semaphore permits;

    private final int size;

    private final Duration wait;

    /**
     * @param pool the service's pool, whose size the share is taken from
     * @param reserved connections device requests leave to the rest
     * @param wait how long a device request waits for its turn
     * @param meters where the share's use is measured
     */
    @Autowired
    DeviceConnectionShare(HikariDataSource pool, @Value("${edp.device-management.reserved-connections:3}") int reserved,
            @Value("${edp.device-management.device-share-wait:5s}") Duration wait, MeterRegistry meters) {
        this(pool.getMaximumPoolSize(), reserved, wait, meters);
    }

    DeviceConnectionShare(int poolSize, int reserved, Duration wait, MeterRegistry meters) {
        this.size = Math.max(1, poolSize - reserved);
        this.permits = new Semaphore(size, true);
        this.wait = wait;
        Gauge.builder("edp.devices.connection.share.in.use", permits, held -> size - held.availablePermits())
            .description("Pool connections held by device requests now")
            .register(meters);
    }

    /**
     * Runs database work of a device request within the share.
     * @param <T> the result's type
     * @param work what needs the database, with its own connection or transaction
     * @return its result
     * @throws TransientDataAccessResourceException when no turn came within the wait
     */
    public <T> T call(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TransientDataAccessResourceException("Interrupted while waiting for a database connection", ex);
        }
        if (!acquired) {
            throw new TransientDataAccessResourceException(
                    "Device requests hold their share of the database connections (" + size + ") for " + wait);
        }
        try {
            return work.get();
        }
        finally {
            permits.release();
        }
    }

    /**
     * @see #call(Supplier)
     * @param work what needs the database
     */
    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * @return how many device requests may hold a connection at once
     */
    public int size() {
        return size;
    }

}
