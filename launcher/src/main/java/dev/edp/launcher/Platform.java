package dev.edp.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The running platform: the database and the service processes, started in stages and
 * stopped in the reverse order. Safe to stop from a shutdown hook while another thread is
 * still starting it: nothing is started once stopping has begun, so nothing is left
 * behind.
 */
final class Platform implements AutoCloseable {

    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final Workspace workspace;

    private final LauncherSettings settings;

    private final PrintStream out;

    private final HttpReadiness http = new HttpReadiness(POLL_INTERVAL);

    /** Components starting beside the services whose failure ends the start. */
    private final List<CompanionStart> companionStarts = new ArrayList<>();

    private final Object lock = new Object();

    /** Started stages, latest first; a stage is a group of processes started together. */
    private final Deque<List<ManagedProcess>> stages = new ArrayDeque<>();

    private final List<RunningService> services = new ArrayList<>();

    private Database database;

    /**
     * Stopped after the services and before the database (Keycloak keeps its data there).
     */
    private final Deque<AutoCloseable> companions = new ArrayDeque<>();

    /** Handed to every service on top of the database and registry settings. */
    private final Map<String, String> serviceEnvironment = new HashMap<>();

    /** Handed to one service only (its own secrets). */
    private final Map<String, Map<String, String>> ownEnvironment = new HashMap<>();

    /** Readiness budgets other than {@code settings.startTimeout()}, by service. */
    private final Map<String, Duration> startTimeouts = new HashMap<>();

    private boolean stopping;

    private RegistryCredentials registryCredentials;

    Platform(Workspace workspace, LauncherSettings settings, PrintStream out) {
        this.workspace = workspace;
        this.settings = settings;
        this.out = out;
    }

    /**
     * @return the registry's URL, moved by the port offset
     */
    URI eurekaUrl() {
        return URI
            .create("http://localhost:" + ServiceSpec.REGISTRY.shifted(settings.portOffset()).port() + "/eureka/");
    }

    /**
     * Sets the registry's logins: every service gets the client one, the registry the
     * admin one too, and the launcher reads the registry with the client one. Call before
     * starting the registry.
     * @param credentials the logins
     */
    void useRegistryCredentials(RegistryCredentials credentials) {
        synchronized (lock) {
            registryCredentials = credentials;
            serviceEnvironment.putAll(credentials.clientEnvironment());
            ownEnvironment.computeIfAbsent(ServiceSpec.REGISTRY.name(), key -> new HashMap<>())
                .putAll(credentials.adminEnvironment());
        }
    }

    /**
     * Adds settings every service gets (identity provider, client secrets); call before
     * starting a stage.
     * @param environment variables to pass
     */
    void addServiceEnvironment(Map<String, String> environment) {
        synchronized (lock) {
            serviceEnvironment.putAll(environment);
        }
    }

    /**
     * Adds settings only one service gets, such as the onboarding service's
     * key-encryption key.
     * @param service the service (module) name
     * @param environment variables to pass
     */
    void addServiceEnvironment(String service, Map<String, String> environment) {
        synchronized (lock) {
            ownEnvironment.computeIfAbsent(service, key -> new HashMap<>()).putAll(environment);
        }
    }

    /**
     * Registers something started beside the services that must stop after them and
     * before the database; refused (and closed at once) when stopping has begun.
     * @param companion what to stop
     * @throws StartupException when the platform is already stopping
     */
    void addCompanion(AutoCloseable companion) throws StartupException {
        synchronized (lock) {
            if (!stopping) {
                companions.push(companion);
                return;
            }
        }
        closeQuietly(companion);
        throw new StartupException("launcher", "stopping", List.of());
    }

    private void closeQuietly(AutoCloseable companion) {
        try {
            companion.close();
        }
        catch (Exception ex) {
            out.println("Could not stop " + companion + " cleanly: " + ex.getMessage());
        }
    }

    /**
     * Gives one service longer than {@code settings.startTimeout()} to become ready: one
     * that cannot be ready before something started beside it is (E3 needs Keycloak for
     * its server certificate); call before starting its stage.
     * @param service the service (module) name
     * @param timeout how long it may take
     */
    void setStartTimeout(String service, Duration timeout) {
        synchronized (lock) {
            startTimeouts.put(service, timeout);
        }
    }

    private Duration startTimeout(ServiceSpec spec) {
        synchronized (lock) {
            return startTimeouts.getOrDefault(spec.name(), settings.startTimeout());
        }
    }

    /** A service that is up, for the status table. */
    record RunningService(ServiceSpec spec, long pid) {
    }

    Database startDatabase() throws IOException, SQLException, StartupException {
        Optional<DatabaseCoordinates> external = settings.externalDatabase();
        synchronized (lock) {
            ensureNotStopping();
            if (external.isPresent()) {
                database = new Database.External(external.get());
                return database;
            }
            requireFreePorts("postgres", List.of(settings.postgresPort()));
            out.println("Starting PostgreSQL on port " + settings.postgresPort() + " ...");
            EmbeddedDatabase embedded = EmbeddedDatabase.start(workspace.dataDir().resolve("postgres"),
                    settings.postgresPort(), settings.bind().internal(), workspace.logFile("postgres"));
            database = embedded;
            embedded.postmasterPid().ifPresent(pid -> writePid("postgres", pid));
            return embedded;
        }
    }

    /**
     * Starts the services of one stage together and returns when all of them are ready.
     * @throws StartupException naming the first service that exited or timed out;
     * whatever was started stays registered, so {@link #close()} stops it
     */
    void startStage(List<ServiceSpec> specs) throws IOException, StartupException, InterruptedException {
        for (ServiceSpec spec : specs) {
            if (!Files.isRegularFile(spec.jar(workspace.root()))) {
                throw new StartupException(spec.name(),
                        "missing " + spec.jar(workspace.root()) + " (build it with ./edp build)", List.of());
            }
            requireFreePorts(spec.name(), List.of(spec.port(), spec.managementPort()));
        }
        List<ManagedProcess> stage = new ArrayList<>();
        Map<ManagedProcess, ServiceSpec> specOf = new HashMap<>();
        synchronized (lock) {
            ensureNotStopping();
            stages.push(stage);
        }
        for (ServiceSpec spec : specs) {
            ManagedProcess process = serviceProcess(spec);
            synchronized (lock) {
                ensureNotStopping();
                process.start();
                stage.add(process);
            }
            specOf.put(process, spec);
            writePid(spec.name(), process.pid());
            out.println("Started " + spec.name() + " (pid " + process.pid() + ")");
        }
        awaitReady(stage, specOf);
        synchronized (lock) {
            stage.forEach(p -> services.add(new RunningService(specOf.get(p), p.pid())));
        }
    }

    /**
     * Makes every later wait for services fail at once when a component that starts
     * beside them fails, instead of when a service that needs it gives up (E3 waits for
     * Keycloak for minutes).
     * @param name the component, for the report
     * @param start its start, running in the background
     * @param logTail the last lines of its log
     */
    void failStartupWith(String name, Future<?> start, Supplier<List<String>> logTail) {
        synchronized (lock) {
            companionStarts.add(new CompanionStart(name, start, logTail));
        }
    }

    private record CompanionStart(String name, Future<?> start, Supplier<List<String>> logTail) {

        /** Returns never: fails when the start fails, waits until cancelled otherwise. */
        ManagedProcess watch() throws StartupException, InterruptedException {
            try {
                start.get();
            }
            catch (ExecutionException ex) {
                throw new StartupException(name, String.valueOf(ex.getCause().getMessage()), logTail.get());
            }
            new CountDownLatch(1).await();
            throw new IllegalStateException("unreachable");
        }

    }

    private void awaitReady(List<ManagedProcess> stage, Map<ManagedProcess, ServiceSpec> specOf)
            throws StartupException, InterruptedException {
        // One waiting virtual thread per service, and one per component starting beside
        // them; the first failure wins and the others are abandoned.
        List<CompanionStart> companions;
        synchronized (lock) {
            companions = List.copyOf(companionStarts);
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<ManagedProcess> completion = new ExecutorCompletionService<>(executor);
            List<Future<ManagedProcess>> futures = new ArrayList<>();
            for (ManagedProcess process : stage) {
                futures.add(completion.submit(() -> {
                    ServiceSpec spec = specOf.get(process);
                    http.await(process, spec.readinessUrl(), startTimeout(spec));
                    return process;
                }));
            }
            companions.forEach(companion -> futures.add(completion.submit(companion::watch)));
            try {
                for (int i = 0; i < stage.size(); i++) {
                    ManagedProcess ready = completion.take().get();
                    out.println("  " + ready.name() + " is ready");
                }
            }
            catch (ExecutionException ex) {
                if (ex.getCause() instanceof StartupException startup) {
                    throw startup;
                }
                throw new IllegalStateException(ex.getCause());
            }
            finally {
                futures.forEach(f -> f.cancel(true));
            }
        }
    }

    /** Waits until every started service that registers in Eureka shows there as UP. */
    void awaitEurekaRegistration() throws StartupException, InterruptedException {
        Set<String> names = new LinkedHashSet<>();
        List<ManagedProcess> processes = new ArrayList<>();
        synchronized (lock) {
            services.forEach(s -> s.spec().eurekaName().ifPresent(names::add));
            stages.forEach(processes::addAll);
        }
        String authorization;
        synchronized (lock) {
            authorization = registryCredentials == null ? null : registryCredentials.clientAuthorization();
        }
        out.println("Waiting for " + names.size() + " services to register in Eureka ...");
        new EurekaApps(eurekaUrl(), http, POLL_INTERVAL, authorization).awaitRegistered(names, processes,
                settings.startTimeout());
    }

    List<RunningService> services() {
        synchronized (lock) {
            return List.copyOf(services);
        }
    }

    Database database() {
        return database;
    }

    /**
     * Services that were started and have since exited, so the launcher can tell the
     * user.
     */
    List<ManagedProcess> deadProcesses() {
        synchronized (lock) {
            return stages.stream().flatMap(List::stream).filter(p -> !p.isAlive()).toList();
        }
    }

    boolean isStopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    private ManagedProcess serviceProcess(ServiceSpec spec) {
        List<String> command = new ArrayList<>(sessionPrefix());
        command.add(javaExecutable());
        command.addAll(settings.serviceJavaOptions());
        command.add("-jar");
        command.add(spec.jar(workspace.root()).toString());
        return new ManagedProcess(spec.name(), command, environmentOf(spec), workspace.root(),
                workspace.logFile(spec.name()));
    }

    /**
     * What a service process gets on top of the launcher's own environment.
     * @param spec the service
     * @return variables to set; a null value removes the variable
     */
    Map<String, String> environmentOf(ServiceSpec spec) {
        Map<String, String> env = new HashMap<>();
        DatabaseCoordinates db = database.coordinates();
        env.put("EDP_DB_URL", db.jdbcUrl());
        env.put("EDP_DB_USER", db.user());
        env.put("EDP_DB_PASSWORD", db.password());
        env.put("EUREKA_URL", eurekaUrl().toString());
        env.put("SERVER_PORT", Integer.toString(spec.port()));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(spec.managementPort()));
        // Only the gateway and E3 face other machines; management ports never do.
        env.put("SERVER_ADDRESS", spec.publicFacing() ? settings.bind().publicFacing() : settings.bind().internal());
        env.put("MANAGEMENT_SERVER_ADDRESS", settings.bind().internal());
        // Where the others call a service (prefer-ip-address): the first non-loopback
        // interface otherwise, on which an internal port does not listen.
        env.put("EUREKA_INSTANCE_IPADDRESS", settings.bind().advertised());
        // Where services fetch E3's keys (its management port): the JWKS that verifies
        // device credentials, and their own request key for E3's per-request proofs (with
        // the platform service token).
        env.put("EDP_E3_JWKS_URI", "http://localhost:" + (9443 + settings.portOffset()) + "/actuator/device-jwks");
        env.put("EDP_E3_PROOF_KEYS_URI",
                "http://localhost:" + (9443 + settings.portOffset()) + "/actuator/device-proof-keys");
        synchronized (lock) {
            env.putAll(serviceEnvironment);
            env.putAll(ownEnvironment.getOrDefault(spec.name(), Map.of()));
        }
        // Plain text logs for people reading .edp/logs; JSON is for log shippers.
        env.put("EDP_LOG_FORMAT", null);
        return env;
    }

    /** The JDK running the launcher (found by ./edp) runs the services too. */
    static String javaExecutable() {
        return ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /*
     * Ctrl-C in a terminal signals the whole foreground process group. Children in their
     * own session do not get it, so the launcher alone decides the order: services in
     * reverse, then PostgreSQL (which pg_ctl already starts in its own session). setsid
     * execs in place for a child that is not a group leader, so the pid stays the
     * service's; --wait covers the case where it has to fork.
     */
    private static List<String> sessionPrefix() {
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                return List.of(dir + "/setsid", "--wait");
            }
        }
        return List.of();
    }

    private static void requireFreePorts(String component, List<Integer> ports) throws StartupException {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            }
            catch (IOException ex) {
                throw new StartupException(component,
                        "port " + port
                                + " is already in use (another EDP still running? try ./edp status / ./edp down)",
                        List.of());
            }
        }
    }

    private void ensureNotStopping() throws StartupException {
        if (stopping) {
            throw new StartupException("launcher", "stopping", List.of());
        }
    }

    private void writePid(String name, long pid) {
        try {
            Files.writeString(workspace.pidFile(name), pid + "\n");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Stops everything that was started, latest stage first; idempotent. */
    @Override
    public void close() {
        List<List<ManagedProcess>> toStop;
        List<AutoCloseable> companionsToStop;
        Database db;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            toStop = List.copyOf(stages);
            companionsToStop = List.copyOf(companions);
            db = database;
        }
        if (!toStop.isEmpty() || db != null) {
            out.println("Stopping EDP ...");
        }
        try {
            for (List<ManagedProcess> stage : toStop) {
                // A stage started together also stops together: no need to wait 20 s per
                // service.
                stage.forEach(ManagedProcess::requestStop);
                for (ManagedProcess process : stage) {
                    process.awaitStop(STOP_GRACE);
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            toStop.forEach(stage -> stage.forEach(ManagedProcess::kill));
        }
        companionsToStop.forEach(this::closeQuietly);
        if (db != null) {
            try {
                db.close();
            }
            catch (RuntimeException ex) {
                out.println("Could not stop PostgreSQL cleanly: " + ex.getMessage());
            }
        }
        cleanRunDirectory();
        out.println("EDP stopped.");
    }

    /**
     * Removes the run files, but keeps the pid file of anything still alive for ./edp
     * down.
     */
    void cleanRunDirectory() {
        if (!Files.isDirectory(workspace.runDir())) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(workspace.runDir())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean ownPidFile = file.equals(workspace.pidFile("launcher"));
                if (name.endsWith(".pid") && !ownPidFile && RunDirectory.isAlive(file)) {
                    out.println("Still running, left for ./edp down: " + name);
                    continue;
                }
                Files.deleteIfExists(file);
            }
        }
        catch (IOException ex) {
            out.println("Could not clean " + workspace.runDir() + ": " + ex.getMessage());
        }
    }

}
