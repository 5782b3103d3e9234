package dev.edp.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.edp.agent.AgentOptions;
import dev.edp.agent.ContainerExecutor;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.DockerCliExecutor;
import dev.edp.agent.ExitReason;
import dev.edp.agent.HostMetrics;
import dev.edp.agent.SimulatedExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edp-agent run}: the onboarded device until it is stopped or E3 refuses its
 * certificate.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the device: heartbeats, desired state, reported state, renewal. "
                + "Exits 3 when E3 refuses the certificate (revoked, invalid, required); retries everything else.")
final class Run implements Callable<Integer> {

    @Mixin
    OnboardedDirectory directory;

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
        AgentCli.configureLogging(verbose);
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(interval)
            .withMetrics(HostMetrics.system(systemDisk, containerDisk))
            .withExecutor(executor(executor));
        DeviceAgent agent = DeviceAgent.open(directory.store(), options);
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

    private static Supplier<ContainerExecutor> executor(String name) {
        return switch (name) {
            case "simulated" -> SimulatedExecutor::new;
            case "docker" -> DockerCliExecutor::new;
            case "auto" -> DockerCliExecutor.available() ? DockerCliExecutor::new : SimulatedExecutor::new;
            default -> throw new CommandLine.ParameterException(new CommandLine(new Run()),
                    "--executor must be auto, docker or simulated");
        };
    }

}
