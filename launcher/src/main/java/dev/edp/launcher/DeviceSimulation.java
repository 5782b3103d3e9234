package dev.edp.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.edp.keycloak.EdpRealm;

/**
 * {@code ./edp up --simulate N}: N simulated devices against the local E3, as a child
 * process of the device agent's jar ({@code edp-agent simulate}). Its tokens come through
 * the gateway as the {@code edp-automation} client (an operator of the example customer);
 * the client secret goes in the environment, not on the command line. Stopped with the
 * platform.
 */
final class DeviceSimulation implements AutoCloseable {

    static final String NAME = "device-simulator";

    /**
     * @return where the local platform keeps E3's published CA chain and its shared
     * assertion keys
     */
    static Path pkiDir(Workspace workspace) {
        return workspace.edpDir().resolve("pki");
    }

    /**
     * Where E3 publishes the CA chain of its server certificate (issued by the platform
     * CA; the launcher sets {@code EDP_E3_PUBLISH_CHAIN_FILE} to it). Until that file
     * exists the simulator pins the certificate the local E3 presents.
     */
    static Path e3ChainFile(Workspace workspace) {
        return pkiDir(workspace).resolve("e3-ca-chain.pem");
    }

    private static final String SECRET_KEY = "client.edp-automation.secret";

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final ManagedProcess process;

    private DeviceSimulation(ManagedProcess process) {
        this.process = process;
    }

    /**
     * Starts the simulator; returns once the process runs (the devices onboard in the
     * background).
     * @param devices how many devices
     * @throws IOException if the jar is missing or the process cannot start
     */
    static DeviceSimulation start(Workspace workspace, int portOffset, int devices) throws IOException {
        Path jar = workspace.root().resolve("device-agent/target/edp-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException("missing " + jar + " (build it with ./edp build)");
        }
        if (!Files.isRegularFile(workspace.secretsFile())) {
            throw new IOException("missing " + workspace.secretsFile());
        }
        Properties secrets = new Properties();
        try (Reader in = Files.newBufferedReader(workspace.secretsFile())) {
            secrets.load(in);
        }
        String secret = secrets.getProperty(SECRET_KEY);
        if (secret == null || secret.isBlank()) {
            throw new IOException("no " + SECRET_KEY + " in " + workspace.secretsFile());
        }
        ManagedProcess process = new ManagedProcess(NAME, command(workspace, portOffset, devices, jar),
                Map.of("EDP_AGENT_CLIENT_SECRET", secret), workspace.root(), workspace.logFile(NAME));
        process.start();
        Files.writeString(workspace.pidFile(NAME), process.pid() + "\n");
        return new DeviceSimulation(process);
    }

    /**
     * The simulator's command line; the client secret is not on it (it goes in the
     * environment).
     */
    static List<String> command(Workspace workspace, int portOffset, int devices, Path jar) {
        List<String> command = new ArrayList<>(sessionPrefix());
        command.addAll(List.of(Platform.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "simulate", "--devices", Integer.toString(devices), "--e3",
                "https://localhost:" + (8443 + portOffset), "--gateway",
                "http://localhost:" + ServiceSpec.gateway().shifted(portOffset).port(), "--token-url",
                "http://localhost:" + (IdentityProvider.HTTP_PORT + portOffset) + "/realms/" + EdpRealm.NAME
                        + "/protocol/openid-connect/token",
                "--client-id", EdpRealm.AUTOMATION_CLIENT_ID, "--customer", EdpRealm.AUTOMATION_CUSTOMER_ID,
                "--summary-every", "10s"));
        Path chain = e3ChainFile(workspace);
        if (Files.isRegularFile(chain)) {
            command.addAll(List.of("--trust", chain.toString()));
        }
        else {
            command.add("--trust-presented-certificate");
        }
        return command;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() throws InterruptedException {
        process.requestStop();
        process.awaitStop(STOP_GRACE);
    }

    @Override
    public String toString() {
        return NAME;
    }

    /*
     * As for the services (see Platform): in its own session, so Ctrl-C reaches only the
     * launcher.
     */
    private static List<String> sessionPrefix() {
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                return List.of(dir + "/setsid", "--wait");
            }
        }
        return List.of();
    }

}
