package dev.edp.e3;

import java.time.Duration;

import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.trust.DeviceTrust;
import dev.edp.platform.task.TaskThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the CRL and trust-anchor refreshes and the device key rotation on one daemon
 * thread ({@code e3-trust}): the CRL at once and every {@code crl-refresh-interval}, the
 * trust anchors every {@code trust-anchors-refresh-interval}, and the keys every
 * {@code key-rotation}, or, with a shared key file, a reload every
 * {@code keys-reload-interval} after which the replica that finds the newest key too old
 * rotates (under the file's lock). A failed run is logged and the next one happens as
 * planned.
 * <p>
 * It starts before the web server, and its start waits (up to
 * {@code start-wait-for-revocations}) until the first CRL is loaded: E3 opens its device
 * port knowing who is revoked, so devices that come back at once after a restart are
 * decided instead of refused with 503 {@code DEVICE_TRUST_UNAVAILABLE} (74 of them in a
 * platform fault test). It stops after the web server.
 */
final class TrustRefresher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrustRefresher.class);

    private static final Duration POLL = Duration.ofMillis(50);

    private final DeviceTrust trust;

    private final DeviceAssertionKeys keys;

    private final E3Properties properties;

    private volatile TaskThread tasks;

    TrustRefresher(DeviceTrust trust, DeviceAssertionKeys keys, E3Properties properties) {
        this.trust = trust;
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void start() {
        Duration anchors = properties.getTrustAnchorsRefreshInterval();
        Duration crl = properties.getCrlRefreshInterval();
        TaskThread thread = TaskThread.start("e3-trust")
            .fixedDelay("trust anchor refresh", anchors, anchors, trust::refreshTrustAnchors)
            .fixedDelay("CRL refresh", Duration.ZERO, crl, trust::refreshRevocations);
        if (keys.isShared()) {
            Duration reload = properties.getAssertion().getKeysReloadInterval();
            thread.fixedDelay("assertion key file check", reload, reload, () -> {
                keys.reload();
                keys.rotate();
            });
        }
        else {
            Duration rotation = properties.getAssertion().getKeyRotation();
            thread.fixedDelay("assertion key rotation", rotation, rotation, keys::rotate);
        }
        tasks = thread;
        awaitRevocations(properties.getStartWaitForRevocations());
    }

    private void awaitRevocations(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!trust.revocationUsable()) {
            if (System.nanoTime() - deadline >= 0) {
                log.warn("No CRL from {} within {} of the start; the device port opens and device routes "
                        + "answer 503 until it can be fetched", properties.getCrlUrl(), wait);
                return;
            }
            try {
                Thread.sleep(POLL);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Before the web server's start (and so after its stop). */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 4096;
    }

    @Override
    public void stop() {
        TaskThread running = tasks;
        tasks = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        return tasks != null;
    }

}
