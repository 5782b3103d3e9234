package dev.edp.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code up}: starts PostgreSQL and the services, prints where everything is, and runs
 * until stopped.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts PostgreSQL and every EDP service; Ctrl-C or SIGTERM stops them all.")
final class UpCommand implements Callable<Integer> {

    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    @Option(names = "--fresh", description = "Delete .edp/data (the embedded database) before starting.")
    boolean fresh;

    @Option(names = "--simulate", paramLabel = "N", defaultValue = "0",
            description = "Once the platform is up, run N simulated devices against E3 (log in .edp/logs/"
                    + DeviceSimulation.NAME + ".log).")
    int simulate;

    private final PrintStream out = System.out;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Instant began = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        Workspace workspace = Workspace.locate();
        LauncherSettings settings;
        try {
            settings = LauncherSettings.fromEnvironment(System.getenv());
        }
        catch (IllegalArgumentException ex) {
            err.println(ex.getMessage());
            return 2;
        }
        if (simulate < 0) {
            err.println("--simulate must be 0 or more devices");
            return 2;
        }
        Map<String, Long> leftovers = RunDirectory.liveProcesses(workspace.runDir());
        // ./edp up --detach records the launcher's pid before the launcher gets to it.
        leftovers.values().remove(ProcessHandle.current().pid());
        if (!leftovers.isEmpty()) {
            err.println("EDP is already running, or a previous run left processes behind: " + leftovers
                    + System.lineSeparator() + "Stop them with ./edp down first.");
            return 1;
        }
        prepare(workspace, settings);

        Platform platform = new Platform(workspace, settings, out);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "edp-shutdown"));
        IdentityProvider identity;
        RegistryCredentials registry;
        try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            platform.startDatabase();
            registry = RegistryCredentials.load(LocalSecrets.load(workspace.secretsFile()));
            platform.useRegistryCredentials(registry);
            identity = IdentityProvider.prepare(workspace, settings, platform.database());
            platform.addCompanion(identity);
            platform.addServiceEnvironment(identity.serviceEnvironment());
            platform.addServiceEnvironment("onboarding",
                    Map.of("EDP_PKI_KEK", LocalSecrets.load(workspace.secretsFile())
                        .getOrCreate("onboarding.pki.kek", LocalSecrets::randomKey)));
            // Monitoring stores customers' webhook secrets encrypted with this key.
            platform.addServiceEnvironment("monitoring",
                    Map.of("EDP_MONITORING_SECRETS_KEY", LocalSecrets.load(workspace.secretsFile())
                        .getOrCreate("monitoring.notifications.secrets-key", LocalSecrets::randomKey)));
            // E3 gets its server certificate from the platform CA and publishes the chain
            // for devices and curl; its assertion keys sit in a file that every E3
            // replica shares.
            java.nio.file.Files.createDirectories(DeviceSimulation.pkiDir(workspace));
            // E3's first certificate needs a Keycloak token and onboarding. E3 waits
            // for both; the launcher waits for E3 as long.
            Duration e3StartTimeout = IdentityProvider.startTimeout(settings).plus(settings.startTimeout());
            platform.setStartTimeout("e3-proxy", e3StartTimeout);
            platform.addServiceEnvironment("e3-proxy",
                    Map.of("EDP_E3_SERVER_CERTIFICATE", "platform-ca", "EDP_E3_PUBLISH_CHAIN_FILE",
                            DeviceSimulation.e3ChainFile(workspace).toString(), "EDP_E3_ASSERTION_KEYS_FILE",
                            DeviceSimulation.pkiDir(workspace).resolve("e3-assertion-keys.json").toString(),
                            "EDP_E3_SERVER_CERTIFICATE_START_TIMEOUT", e3StartTimeout.toSeconds() + "s"));
            // Keycloak boots while the services do: they reach it only when the first
            // token arrives.
            Future<?> keycloak = background.submit(() -> {
                identity.start(workspace, ServiceSpec.gateway().shifted(settings.portOffset()).port(), out);
                return null;
            });
            platform.failStartupWith("keycloak", keycloak, identity::logTail);
            platform.startStage(List.of(ServiceSpec.REGISTRY.shifted(settings.portOffset())));
            platform.startStage(ServiceSpec.applicationServices(settings.portOffset()));
            platform.awaitEurekaRegistration();
            awaitKeycloak(keycloak, identity);
        }
        catch (StartupException ex) {
            if (!platform.isStopping()) { // else Ctrl-C came during startup: not a
                                          // failure to report
                reportFailure(ex);
                platform.close();
            }
            return 1;
        }
        catch (IOException | SQLException ex) {
            err.println("EDP failed to start: " + ex.getMessage());
            platform.close();
            return 1;
        }
        String table = StatusTable.render(platform.services(), platform.database(), identity, registry, workspace,
                settings, Duration.between(began, Instant.now()));
        if (simulate > 0) {
            table += simulateDevices(platform, workspace, settings);
        }
        out.println();
        out.print(table);
        out.flush();
        // Written aside and moved, so ./edp up --detach never prints half a table.
        Path ready = workspace.readyFile().resolveSibling("ready.tmp");
        Files.writeString(ready, table);
        Files.move(ready, workspace.readyFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        watch(platform);
        return 0;
    }

    /**
     * Starts the simulator beside the platform; a failure to start it is reported, not
     * fatal.
     */
    private String simulateDevices(Platform platform, Workspace workspace, LauncherSettings settings) {
        try {
            DeviceSimulation simulation = DeviceSimulation.start(workspace, settings.portOffset(), simulate);
            platform.addCompanion(simulation);
            return "  Device simulator    " + simulate + " simulated devices started (pid " + simulation.pid()
                    + "); log " + workspace.root().relativize(simulation.logFile()) + System.lineSeparator();
        }
        catch (IOException | StartupException ex) {
            return "  Device simulator    NOT started: " + ex.getMessage() + System.lineSeparator();
        }
    }

    private void prepare(Workspace workspace, LauncherSettings settings) throws IOException {
        if (fresh && Files.exists(workspace.dataDir())) {
            out.println("--fresh: deleting " + workspace.dataDir());
            deleteRecursively(workspace.dataDir());
        }
        workspace.createDirectories();
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(workspace.runDir())) {
            for (Path file : stale) {
                Files.deleteIfExists(file);
            }
        }
        Files.writeString(workspace.pidFile("launcher"), ProcessHandle.current().pid() + "\n");
        // ./edp status reads this instead of keeping its own copy of the ports.
        Files.writeString(workspace.endpointsFile(),
                ServiceSpec.all(settings.portOffset())
                    .stream()
                    .map(s -> s.name() + "\t" + s.url() + "\t" + s.healthUrl())
                    .collect(Collectors.joining("\n", "", "\n")));
    }

    private static void awaitKeycloak(Future<?> keycloak, IdentityProvider identity)
            throws StartupException, InterruptedException {
        try {
            keycloak.get();
        }
        catch (ExecutionException ex) {
            throw new StartupException("keycloak", String.valueOf(ex.getCause().getMessage()), identity.logTail());
        }
    }

    private void reportFailure(StartupException ex) {
        err.println();
        err.println("EDP failed to start: " + ex.getMessage());
        if (!ex.logTail().isEmpty()) {
            err.println("---- last " + ex.logTail().size() + " lines of .edp/logs/" + ex.component() + ".log ----");
            ex.logTail().forEach(err::println);
            err.println("----");
        }
        err.flush();
    }

    /**
     * Runs until the JVM is stopped; tells the user when a service dies instead of
     * failing silently.
     */
    private void watch(Platform platform) throws InterruptedException {
        Set<String> reported = new HashSet<>();
        while (!platform.isStopping()) {
            Thread.sleep(WATCH_INTERVAL);
            for (ManagedProcess dead : platform.deadProcesses()) {
                if (reported.add(dead.name()) && !platform.isStopping()) {
                    err.println("WARNING: " + dead.name() + " exited with code " + dead.exitCode().orElse(-1) + "; see "
                            + dead.logFile());
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

}
