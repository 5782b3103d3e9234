package dev.edp.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * "Runs" containers in memory: an applied container is {@code reconciling} for a moment, then
 * {@code ready}; a removed one disappears. For the simulator, tests and machines without a
 * container engine.
 */
public final class SimulatedExecutor implements ContainerExecutor {

    private final Duration startDelay;
    private final ScheduledExecutorService timer;
    private final Map<String, ContainerStatus> containers = new LinkedHashMap<>();
    private final Map<String, ContainerSpec> specs = new LinkedHashMap<>();
    private volatile Runnable listener = () -> { };
    private long generation;

    /** With a 2 s start. */
    public SimulatedExecutor() {
        this(Duration.ofSeconds(2));
    }

    /** @param startDelay how long a container stays {@code reconciling} */
    public SimulatedExecutor(Duration startDelay) {
        this.startDelay = startDelay;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("simulated-executor").factory());
    }

    @Override
    public void apply(List<ContainerSpec> desired) {
        long current;
        synchronized (this) {
            current = ++generation;
            Map<String, ContainerSpec> wanted = new LinkedHashMap<>();
            desired.forEach(spec -> wanted.put(spec.name(), spec));
            containers.keySet().removeIf(name -> !wanted.containsKey(name));
            specs.keySet().retainAll(wanted.keySet());
            for (ContainerSpec spec : wanted.values()) {
                if (!Objects.equals(specs.get(spec.name()), spec)) {
                    specs.put(spec.name(), spec);
                    containers.put(spec.name(), new ContainerStatus(spec.name(), spec.image(),
                            ContainerStatus.RECONCILING, "pulling " + spec.image()));
                }
            }
        }
        listener.run();
        timer.schedule(() -> finish(current), startDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finish(long applied) {
        boolean changed = false;
        synchronized (this) {
            if (applied != generation) {
                return; // a newer apply schedules its own finish
            }
            for (Map.Entry<String, ContainerStatus> entry : containers.entrySet()) {
                ContainerStatus status = entry.getValue();
                if (ContainerStatus.RECONCILING.equals(status.state())) {
                    entry.setValue(new ContainerStatus(status.name(), status.image(), ContainerStatus.READY, "running"));
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
        timer.shutdownNow();
    }
}
