package dev.edp.e3.device;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per device, in this replica's memory: a device behind two replicas gets
 * at most twice its rate, which is acceptable for protecting the backends. Buckets of
 * devices that were idle long enough to be full again are dropped when the map grows
 * large.
 */
public final class RateLimiter {

    private static final int PRUNE_ABOVE = 100_000;

    private final int capacity;

    private final double refillPerNano;

    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param capacity burst size
     * @param refillPerSecond sustained rate
     */
    public RateLimiter(int capacity, double refillPerSecond) {
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1e9;
    }

    /**
     * Takes a token for the device.
     * @param device the device
     * @param now {@link System#nanoTime()}
     * @return 0 if allowed, otherwise the seconds to wait (at least 1)
     */
    public long tryAcquire(UUID device, long now) {
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return buckets.computeIfAbsent(device, key -> new Bucket(now)).take(now);
    }

    private final class Bucket {

        private double tokens = capacity;

        private long updated;

        Bucket(long now) {
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / refillPerNano / 1e9));
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * refillPerNano);
            updated = now;
        }

    }

}
