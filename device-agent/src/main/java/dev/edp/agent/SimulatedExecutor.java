package dev.edp.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * "Runs" containers in memory: an applied container is {@code reconciling} for a moment,
 * then {@code ready} (or, {@link #failing}, {@code reconciliation failed}); a removed one
 * disappears. For the simulator, tests and machines without a container engine.
 */
public final class SimulatedExecutor implements ContainerExecutor {

    /**
     * One timer thread for every simulated device in the JVM (a simulator runs thousands;
     * a timer each would be a thread each). Its tasks only flip states and wake the
     * agent's report loop.
     */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration startDelay;

    private final boolean fails;

    private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();

    private final Map<String, ContainerSpec> specs = new LinkedHashMap<>();

    private volatile Runnable listener = () -> {
    };

    private long generation;

    private ScheduledFuture<?> pending;

    private boolean closed;

    /** With a 2 s start. */
    public SimulatedExecutor() {
        this(Duration.ofSeconds(2));
    }

    /**
     * @param startDelay how long a container stays {@code reconciling}
     */
    public SimulatedExecutor(Duration startDelay) {
        this(startDelay, false);
    }

    private SimulatedExecutor(Duration startDelay, boolean fails) {
        this.startDelay = startDelay;
        this.fails = fails;
    }

    /**
     * Containers that never start (fault injection): each is {@code reconciling} for
     * {@code startDelay}, then {@code reconciliation failed} with a reason.
     * @param startDelay how long until the failure
     * @return the executor
     */
    public static SimulatedExecutor failing(Duration startDelay) {
        return new SimulatedExecutor(startDelay, true);
    }

    @Override
    public void apply(List<ContainerSpec> desired) {
        long current;
        synchronized (this) {
            if (closed) {
                return;
            }
            current = ++generation;
            Map<String, ContainerSpec> wanted = new LinkedHashMap<>();
            desired.forEach(spec -> wanted.put(spec.name(), spec));
            containers.keySet().removeIf(name -> !wanted.containsKey(name));
            specs.keySet().retainAll(wanted.keySet());
            for (ContainerSpec spec : wanted.values()) {
                // A failing device tries (and fails) again with every desired state it is
                // given.
                if (fails || !Objects.equals(specs.get(spec.name()), spec)) {
                    specs.put(spec.name(), spec);
                    containers.put(spec.name(), new ContainerStatus(spec.name(), spec.image(),
                            ContainerStatus.RECONCILING, "pulling " + spec.image()));
                }
            }
        }
        listener.run();
        ScheduledFuture<?> scheduled = TIMER.schedule(() -> finish(current), startDelay.toMillis(),
                TimeUnit.MILLISECONDS);
        synchronized (this) {
            if (current == generation) {
                pending = scheduled;
            }
        }
    }

    private void finish(long applied) {
        boolean changed = false;
        synchronized (this) {
            if (applied != generation || closed) {
                return; // a newer apply schedules its own finish
            }
            for (Map.Entry<String, ContainerStatus> entry : containers.entrySet()) {
                ContainerStatus status = entry.getValue();
                if (ContainerStatus.RECONCILING.equals(status.state())) {
                    entry.setValue(fails
                            ? new ContainerStatus(status.name(), status.image(), ContainerStatus.FAILED,
                                    "injected fault: " + status.image() + " did not start (simulated failure)")
                            : new ContainerStatus(status.name(), status.image(), ContainerStatus.READY, "running"));
                    changed = true;
                }
            }
        }
        if (changed) {
            listener.run();
        }
    }

    @Override
    public synchronized List<ContainerStatus> status() {
        return new ArrayList<>(containers.values());
    }

    @Override
    public void onChange(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("edp-simulated-containers").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

}
