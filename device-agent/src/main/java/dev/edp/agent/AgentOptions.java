package dev.edp.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How an agent behaves. Start from {@link #defaults()} and change with the {@code with…}
 * methods.
 *
 * @param heartbeatInterval time between heartbeats (±10 % jitter)
 * @param longPollSeconds how long E3 may hold a desired-state request (0 to 60)
 * @param backoffInitial first wait after a failure
 * @param backoffMax longest wait between attempts
 * @param executor makes the container executor (one per agent)
 * @param metrics the heartbeat figures
 * @param clock used for renewal scheduling and timestamps
 * @param listener events for the owner
 * @param agentVersion sent in heartbeats and reported state
 * @param transport how requests travel to E3 (the JDK client by default; a shared Netty
 * event loop for fleets in one JVM)
 * @param fault a misbehaviour for tests of rollouts ({@link InjectedFault#NONE} by
 * default)
 */
public record AgentOptions(Duration heartbeatInterval, int longPollSeconds, Duration backoffInitial,
        Duration backoffMax, Supplier<ContainerExecutor> executor, HostMetrics metrics, Clock clock,
        AgentListener listener, String agentVersion, E3Transport transport, InjectedFault fault) {

    /** The agent's version, from the jar manifest when packaged. */
    public static final String VERSION = version();

    public AgentOptions {
        transport = transport == null ? E3Transport.jdk() : transport;
        fault = fault == null ? InjectedFault.NONE : fault;
    }

    /**
     * @return 30 s heartbeats, 30 s long-poll, backoff 1 s up to 5 min, simulated
     * containers, real host figures
     */
    public static AgentOptions defaults() {
        return new AgentOptions(Duration.ofSeconds(30), 30, Duration.ofSeconds(1), Duration.ofMinutes(5),
                SimulatedExecutor::new, HostMetrics.system(Path.of("/"), Path.of("/")), Clock.systemUTC(),
                new AgentListener() {
                }, VERSION, E3Transport.jdk(), InjectedFault.NONE);
    }

    /**
     * @param interval heartbeat interval @return changed options
     */
    public AgentOptions withHeartbeatInterval(Duration interval) {
        return copy(copy -> copy.heartbeatInterval = interval);
    }

    /**
     * @param seconds long-poll wait @return changed options
     */
    public AgentOptions withLongPollSeconds(int seconds) {
        return copy(copy -> copy.longPollSeconds = seconds);
    }

    /**
     * @param initial first wait @param max longest wait @return changed options
     */
    public AgentOptions withBackoff(Duration initial, Duration max) {
        return copy(copy -> {
            copy.backoffInitial = initial;
            copy.backoffMax = max;
        });
    }

    /**
     * @param factory makes the executor @return changed options
     */
    public AgentOptions withExecutor(Supplier<ContainerExecutor> factory) {
        return copy(copy -> copy.executor = factory);
    }

    /**
     * @param hostMetrics heartbeat figures @return changed options
     */
    public AgentOptions withMetrics(HostMetrics hostMetrics) {
        return copy(copy -> copy.metrics = hostMetrics);
    }

    /**
     * @param newClock the clock @return changed options
     */
    public AgentOptions withClock(Clock newClock) {
        return copy(copy -> copy.clock = newClock);
    }

    /**
     * @param newListener the listener @return changed options
     */
    public AgentOptions withListener(AgentListener newListener) {
        return copy(copy -> copy.listener = newListener);
    }

    /**
     * @param newTransport how requests travel to E3 @return changed options
     */
    public AgentOptions withTransport(E3Transport newTransport) {
        return copy(copy -> copy.transport = newTransport);
    }

    /**
     * @param newFault the misbehaviour (simulator only) @return changed options
     */
    public AgentOptions withInjectedFault(InjectedFault newFault) {
        return copy(copy -> copy.fault = newFault);
    }

    private AgentOptions copy(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return new AgentOptions(copy.heartbeatInterval, copy.longPollSeconds, copy.backoffInitial, copy.backoffMax,
                copy.executor, copy.metrics, copy.clock, copy.listener, copy.agentVersion, copy.transport, copy.fault);
    }

    private static String version() {
        String version = AgentOptions.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0";
    }

    /**
     * The components as fields, so that a {@code with…} method names only those it
     * changes.
     */
    private static final class Copy {

        private Duration heartbeatInterval;

        private int longPollSeconds;

        private Duration backoffInitial;

        private Duration backoffMax;

        private Supplier<ContainerExecutor> executor;

        private HostMetrics metrics;

        private Clock clock;

        private AgentListener listener;

        private String agentVersion;

        private E3Transport transport;

        private InjectedFault fault;

        private Copy(AgentOptions options) {
            this.heartbeatInterval = options.heartbeatInterval;
            this.longPollSeconds = options.longPollSeconds;
            this.backoffInitial = options.backoffInitial;
            this.backoffMax = options.backoffMax;
            this.executor = options.executor;
            this.metrics = options.metrics;
            this.clock = options.clock;
            this.listener = options.listener;
            this.agentVersion = options.agentVersion;
            this.transport = options.transport;
            this.fault = options.fault;
        }

    }

}
