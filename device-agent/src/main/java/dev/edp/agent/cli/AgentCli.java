package dev.edp.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import dev.edp.agent.AgentOptions;
import dev.edp.agent.ContainerExecutor;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.DeviceIdentity;
import dev.edp.agent.DeviceStore;
import dev.edp.agent.DockerCliExecutor;
import dev.edp.agent.E3Exception;
import dev.edp.agent.E3Trust;
import dev.edp.agent.ExitReason;
import dev.edp.agent.HostMetrics;
import dev.edp.agent.RenewalSchedule;
import dev.edp.agent.SimulatedExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code edp-agent}: {@code onboard}, {@code run}, {@code status}, {@code simulate}. Exit codes: 0 done
 * or stopped, 1 failure, 2 usage, 3 E3 refused the certificate (revoked, invalid, required), 4
 * onboarding refused.
 */
@Command(name = "edp-agent", mixinStandardHelpOptions = true, versionProvider = AgentCli.Version.class,
        subcommands = { AgentCli.Onboard.class, AgentCli.Run.class, AgentCli.Status.class, Simulate.class },
        description = "EDP device agent: onboards a device, keeps it connected through E3, simulates fleets.")
public final class AgentCli implements Runnable {

    /** Onboarding was refused (bad or used token, refused CSR). */
    static final int ONBOARDING_REFUSED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Entry point.
     *
     * @param args a command and its options
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs a command without exiting the JVM (the launcher and tests call this).
     *
     * @param args a command and its options
     * @return the exit code
     */
    public static int execute(String... args) {
        configureLogging(false);
        return new CommandLine(new AgentCli()).setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            // Unreachable E3, unreadable files: one line, no stack trace.
            String message = ex.getMessage();
            System.err.println("edp-agent " + commandLine.getCommandName() + ": " + ex.getClass().getSimpleName()
                    + (message != null ? " " + message : ""));
            return 1;
        }).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void configureLogging(boolean verbose) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %5$s%6$s%n");
        LogManager.getLogManager().reset();
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(verbose ? Level.FINE : Level.INFO);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        Logger.getLogger("dev.edp.agent").setLevel(verbose ? Level.FINE : Level.INFO);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] { "edp-agent " + AgentOptions.VERSION };
        }
    }

    @Command(name = "onboard", mixinStandardHelpOptions = true,
            description = "Generates a key (EC P-256) and CSR, enrolls at E3 with the token, stores key and certificate.")
    static final class Onboard implements Callable<Integer> {

        @Option(names = "--e3", required = true, description = "E3's URL, e.g. https://localhost:8443")
        URI e3;

        @Option(names = "--token", required = true, description = "The onboarding token")
        String token;

        @Option(names = "--trust", required = true, description = "PEM file with the certificate(s) to trust for E3")
        Path trust;

        @Option(names = "--dir", defaultValue = "edp-agent", description = "Where to keep key, certificate and state (default ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws IOException {
            DeviceStore store = new DeviceStore(dir);
            if (store.exists()) {
                System.err.println(store.dir() + " already holds a device; use another --dir or delete it first.");
                return 1;
            }
            try (DeviceAgent agent = DeviceAgent.onboard(e3, E3Trust.fromPem(trust), token, store, AgentOptions.defaults())) {
                DeviceIdentity identity = agent.identity();
                System.out.println("Onboarded device " + identity.deviceId() + " (customer " + identity.customerId()
                        + "), certificate " + identity.serial() + " valid until " + identity.notAfter() + "; files in "
                        + store.dir());
                return 0;
            }
            catch (E3Exception ex) {
                System.err.println("Onboarding refused: " + ex.getMessage());
                return ex.kind() == E3Exception.Kind.RETRYABLE ? 1 : ONBOARDING_REFUSED;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the device: heartbeats, desired state, reported state, renewal. "
                    + "Exits 3 when E3 refuses the certificate (revoked, invalid, required); retries everything else.")
    static final class Run implements Callable<Integer> {

        @Option(names = "--dir", defaultValue = "edp-agent", description = "The onboarded directory (default ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--interval", defaultValue = "30s", converter = DurationConverter.class,
                description = "Heartbeat interval, e.g. 30s, 1m (default ${DEFAULT-VALUE})")
        Duration interval;

        @Option(names = "--executor", defaultValue = "auto",
                description = "auto (docker when it works, else simulated), docker or simulated (default ${DEFAULT-VALUE})")
        String executor;

        @Option(names = "--system-disk", defaultValue = "/", description = "A path on the system partition")
        Path systemDisk;

        @Option(names = "--container-disk", defaultValue = "/", description = "A path on the container partition")
        Path containerDisk;

        @Option(names = { "-v", "--verbose" }, description = "Log every retry and state change")
        boolean verbose;

        @Override
        public Integer call() throws IOException, InterruptedException {
            configureLogging(verbose);
            AgentOptions options = AgentOptions.defaults().withHeartbeatInterval(interval)
                    .withMetrics(HostMetrics.system(systemDisk, containerDisk)).withExecutor(executor(executor));
            DeviceAgent agent = DeviceAgent.open(new DeviceStore(dir), options);
            Thread hook = new Thread(agent::stop, "edp-agent-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            System.err.println("edp-agent: device " + agent.identity().deviceId() + " running, certificate valid until "
                    + agent.identity().notAfter());
            agent.start();
            ExitReason reason = agent.awaitExit();
            if (reason != ExitReason.STOPPED) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            return reason.exitCode();
        }

        private static java.util.function.Supplier<ContainerExecutor> executor(String name) {
            return switch (name) {
                case "simulated" -> SimulatedExecutor::new;
                case "docker" -> DockerCliExecutor::new;
                case "auto" -> DockerCliExecutor.available() ? DockerCliExecutor::new : SimulatedExecutor::new;
                default -> throw new CommandLine.ParameterException(new CommandLine(new Run()),
                        "--executor must be auto, docker or simulated");
            };
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows identity, certificate expiry, last heartbeat, desired vs running.")
    static final class Status implements Callable<Integer> {

        @Option(names = "--dir", defaultValue = "edp-agent", description = "The onboarded directory (default ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws IOException {
            DeviceStore store = new DeviceStore(dir);
            if (!store.exists()) {
                System.err.println("No device in " + store.dir() + " (run edp-agent onboard first).");
                return 1;
            }
            PrintStream out = System.out;
            DeviceIdentity identity = store.credentials().identity();
            out.println("Device        " + identity.deviceId());
            out.println("Customer      " + identity.customerId());
            out.println("E3            " + store.e3());
            out.println("Certificate   serial " + identity.serial() + ", valid until " + identity.notAfter()
                    + (identity.notAfter().isBefore(Instant.now()) ? " (EXPIRED)" : "") + ", renewal at "
                    + RenewalSchedule.renewAt(identity));
            JsonNode status = store.readStatus();
            if (status == null) {
                out.println("Agent         never ran");
                return 0;
            }
            long pid = status.path("pid").asLong(-1);
            boolean alive = status.path("exitReason").isNull() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            out.println("Agent         " + (alive ? "running (pid " + pid + ")"
                    : "not running" + (status.path("exitReason").isNull() ? "" : " (" + status.path("exitReason").asString() + ")")));
            out.println("Last heartbeat " + text(status.path("lastHeartbeat"), "none"));
            if (!status.path("lastError").isNull()) {
                out.println("Last error    " + status.path("lastError").asString());
            }
            if (alive) {
                for (JsonNode retry : status.path("retrying")) {
                    out.println("Retrying      " + retry.path("loop").asString() + ": " + retry.path("message").asString()
                            + " (attempt " + retry.path("attempt").asInt() + ", next at "
                            + retry.path("nextAttemptAt").asString() + ")"
                            + (retry.path("status").asInt() == 401 ? "; not a certificate refusal, the agent keeps running" : ""));
                }
            }
            JsonNode desired = status.path("desired");
            out.println("Desired       " + (desired.isNull() || desired.isMissingNode() ? "not fetched yet"
                    : text(desired.path("releaseName"), "nothing") + " " + desired.path("containers")));
            out.print("Running      ");
            if (status.path("running").isEmpty()) {
                out.print(" nothing");
            }
            for (JsonNode container : status.path("running")) {
                out.print(" " + container.path("name").asString() + " (" + container.path("state").asString() + ")");
            }
            out.println();
            out.println("Updated       " + text(status.path("updatedAt"), "-"));
            return 0;
        }

        private static String text(JsonNode node, String absent) {
            return node.isNull() || node.isMissingNode() ? absent : node.asString();
        }
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT30S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (text.startsWith("pt") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new CommandLine.TypeConversionException("Not a duration: " + value + " (e.g. 30s, 5m)");
            };
        }
    }
}
