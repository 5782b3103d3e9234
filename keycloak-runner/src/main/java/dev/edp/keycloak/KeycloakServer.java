package dev.edp.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A real Keycloak server: the {@code keycloak-quarkus-dist} distribution run as a child
 * process with {@code kc.sh start-dev}, realm files imported on start.
 *
 * <pre>{@code
 * try (KeycloakServer keycloak = KeycloakServer.builder(Path.of("target/keycloak"))
 *         .httpPort(0)
 *         .edpRealm()
 *         .build()
 *         .start()) {
 *     URI issuer = keycloak.issuerUri(EdpRealm.NAME);
 * }
 * }</pre>
 *
 * <p>
 * Realm files may hold {@code ${VARIABLE}} placeholders, which Keycloak resolves from its
 * environment on import; an unset one would stay in the realm literally. So every
 * placeholder gets a value: an explicit {@link Builder#clientSecret(String, String)
 * client secret}, else the caller's environment, else — for names ending in
 * {@code _SECRET} — a generated secret; anything else fails the start. After start, the
 * secrets of clients whose realm-file secret is a placeholder are set again through the
 * admin API, so they also hold when the realm already existed and the import was skipped.
 *
 * <p>
 * Keycloak imports a realm only if it does not exist yet, and creates the bootstrap admin
 * only if the master realm has none: with a kept database the first start's admin
 * password stays valid.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The EDP default port of Keycloak. */
    public static final int DEFAULT_HTTP_PORT = 8180;

    private static final int LOG_LINES_IN_ERRORS = 40;

    private final Builder config;

    private final RealmImport realms;

    private Process process;

    private Path home;

    private int httpPort;

    private int managementPort;

    private Thread shutdownHook;

    private KeycloakServer(Builder config) {
        this.config = config;
        this.realms = new RealmImport(config);
    }

    /**
     * Starts configuring a server.
     * @param workDir where the distribution is unpacked and the server keeps its data
     * @return a builder
     */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /**
     * Unpacks the distribution if needed, starts Keycloak and waits until it is ready and
     * every imported realm answers its OpenID discovery document.
     * @return this server
     * @throws IllegalStateException if Keycloak does not come up in time, with the last
     * log lines
     */
    public synchronized KeycloakServer start() {
        if (this.process != null) {
            throw new IllegalStateException("Keycloak is already running (pid " + this.process.pid() + ")");
        }
        Instant started = Instant.now();
        KeycloakDistribution distribution = Optional.ofNullable(this.config.distribution)
            .orElseGet(KeycloakDistribution::locate);
        this.home = distribution.unpack(this.config.workDir);
        try {
            if (this.config.freshData) {
                KeycloakDistribution.deleteRecursively(this.home.resolve("data"));
            }
            String build = AugmentedBuilds.key(distribution.version(), KeycloakCommand.buildOptions(this.config),
                    KeycloakCommand.javaFeatureVersion(this.config.javaHome));
            if (this.config.augmentedBuilds != null) {
                this.config.augmentedBuilds.restore(this.home, build);
            }
            List<RealmFile> realms = this.realms.prepare(this.home);
            this.httpPort = choosePort(this.config.httpPort, "HTTP");
            this.managementPort = choosePort(this.config.managementPort, "management");
            Files.createDirectories(logFile().getParent());
            ProcessBuilder builder = new ProcessBuilder(
                    KeycloakCommand.command(this.home, this.config, this.httpPort, this.managementPort))
                .directory(this.home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            KeycloakCommand.configureEnvironment(builder.environment(), this.config, this.realms.placeholderValues());
            this.process = builder.start();
            this.shutdownHook = new Thread(this::stop, "keycloak-shutdown");
            Runtime.getRuntime().addShutdownHook(this.shutdownHook);
            awaitReady(realms, started.plus(this.config.startTimeout));
            if (this.config.augmentedBuilds != null) {
                this.config.augmentedBuilds.save(this.home, build);
            }
            this.realms.reconcileClientSecrets(realms, this::admin);
            return this;
        }
        catch (IOException ex) {
            stop();
            throw new UncheckedIOException("Could not start Keycloak in " + this.home, ex);
        }
        catch (RuntimeException ex) {
            stop();
            throw ex;
        }
    }

    /**
     * Stops Keycloak: SIGTERM to {@code kc.sh} and the JVM it started, SIGKILL to what is
     * left after 30 seconds. Does nothing if it is not running.
     */
    public synchronized void stop() {
        if (this.process == null) {
            return;
        }
        ProcessTree.stop(this.process.toHandle(), Duration.ofSeconds(30));
        this.process = null;
        if (this.shutdownHook != null && Thread.currentThread() != this.shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
            }
            catch (IllegalStateException ex) {
                // The JVM is already shutting down; the hook runs or ran anyway.
            }
        }
        this.shutdownHook = null;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Whether the Keycloak process is alive.
     * @return {@code true} between a successful {@link #start()} and {@link #stop()}
     */
    public synchronized boolean isRunning() {
        return this.process != null && this.process.isAlive();
    }

    /**
     * The process id of the started {@code kc.sh} (which becomes the Keycloak JVM when
     * the script re-launches it with {@code exec}).
     * @return the pid
     * @throws IllegalStateException if not running
     */
    public synchronized long pid() {
        return running().pid();
    }

    /**
     * The process handle of the started {@code kc.sh}.
     * @return the handle
     * @throws IllegalStateException if not running
     */
    public synchronized ProcessHandle processHandle() {
        return running().toHandle();
    }

    /**
     * Keycloak's base URL.
     * @return e.g. {@code http://localhost:8180}
     */
    public URI baseUrl() {
        return URI.create("http://localhost:" + this.httpPort);
    }

    /**
     * A realm's issuer, the value for
     * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}.
     * @param realm the realm
     * @return e.g. {@code http://localhost:8180/realms/edp}
     */
    public URI issuerUri(String realm) {
        return Http.resolve(baseUrl(), "/realms/" + realm);
    }

    /**
     * The HTTP port in use (the chosen one when the builder said 0).
     * @return the port
     */
    public int httpPort() {
        return this.httpPort;
    }

    /**
     * The management port serving {@code /health}, {@code /health/ready} and
     * {@code /metrics}.
     * @return the port
     */
    public int managementPort() {
        return this.managementPort;
    }

    /**
     * The address Keycloak's HTTP port (login pages, token endpoint, admin console)
     * listens on.
     * @return the configured address, or {@code null} for Keycloak's default (every
     * interface)
     */
    public String httpHost() {
        return this.config.httpHost;
    }

    /**
     * The address the management port (health, metrics) listens on.
     * @return the configured address, or {@code null} for the HTTP port's
     */
    public String managementHost() {
        return this.config.managementHost;
    }

    /**
     * The bootstrap admin of the master realm.
     * @return the username
     */
    public String adminUsername() {
        return this.config.adminUsername;
    }

    /**
     * The bootstrap admin's password (generated unless configured).
     * @return the password
     */
    public String adminPassword() {
        return this.config.adminPassword;
    }

    /**
     * The secret a client of an imported realm file was given, either configured or
     * generated.
     * @param clientId the client, e.g. {@link EdpRealm#PORTAL_CLIENT_ID}
     * @return its secret
     * @throws IllegalArgumentException if this server set no secret for that client
     */
    public String clientSecret(String clientId) {
        String secret = this.realms.placeholderValues().get(EdpRealm.secretVariable(clientId));
        if (secret == null) {
            secret = this.config.clientSecrets.get(clientId);
        }
        if (secret == null) {
            throw new IllegalArgumentException("No secret was set for client " + clientId);
        }
        return secret;
    }

    /**
     * Connects an admin client as the bootstrap admin.
     * @return a new admin client; close it when done
     */
    public KeycloakAdmin admin() {
        return KeycloakAdmin.connect(baseUrl(), this.config.adminUsername, this.config.adminPassword);
    }

    /**
     * The Keycloak home directory (the unpacked distribution).
     * @return the directory holding {@code bin/kc.sh}
     */
    public Path home() {
        return this.home;
    }

    /**
     * Where Keycloak's console output goes.
     * @return the log file
     */
    public Path logFile() {
        return (this.config.logFile != null) ? this.config.logFile
                : this.config.workDir.toAbsolutePath().resolve("keycloak.log");
    }

    /**
     * The last lines of the log, for error messages.
     * @param count how many lines
     * @return the lines joined with line breaks, empty if there is no log
     */
    public String lastLogLines(int count) {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
        catch (IOException | UncheckedIOException ex) {
            return "(log unreadable: " + ex.getMessage() + ")";
        }
    }

    private Process running() {
        if (this.process == null) {
            throw new IllegalStateException("Keycloak is not running");
        }
        return this.process;
    }

    private void awaitReady(List<RealmFile> realms, Instant deadline) {
        URI ready = URI.create("http://localhost:" + this.managementPort + "/health/ready");
        try (HttpClient client = Http.newClient()) {
            while (!answers(client, ready)) {
                if (!this.process.isAlive()) {
                    throw new IllegalStateException(
                            "Keycloak exited with code " + this.process.exitValue() + " while starting. Last lines of "
                                    + logFile() + ":" + System.lineSeparator() + lastLogLines(LOG_LINES_IN_ERRORS));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Keycloak was not ready within " + this.config.startTimeout + " ("
                            + ready + "). Last lines of " + logFile() + ":" + System.lineSeparator()
                            + lastLogLines(LOG_LINES_IN_ERRORS));
                }
                sleep(Duration.ofMillis(500));
            }
            for (RealmFile realm : realms) {
                URI discovery = Http.resolve(issuerUri(realm.name()), "/.well-known/openid-configuration");
                if (!answers(client, discovery)) {
                    throw new IllegalStateException("Keycloak is up but realm " + realm.name() + " was not imported ("
                            + discovery + "). Last lines of " + logFile() + ":" + System.lineSeparator()
                            + lastLogLines(LOG_LINES_IN_ERRORS));
                }
            }
        }
    }

    private static boolean answers(HttpClient client, URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", ex);
        }
    }

    private static int choosePort(int requested, String purpose) {
        if (requested == 0) {
            return LocalPorts.unused();
        }
        try (ServerSocket socket = new ServerSocket(requested)) {
            return requested;
        }
        catch (IOException ex) {
            throw new IllegalStateException("Keycloak's " + purpose + " port " + requested + " is in use", ex);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", ex);
        }
    }

    /**
     * Configures a {@link KeycloakServer}.
     */
    public static final class Builder {

        final Path workDir;

        int httpPort = DEFAULT_HTTP_PORT;

        int managementPort;

        String httpHost;

        String managementHost;

        KeycloakDistribution distribution;

        AugmentedBuilds augmentedBuilds = AugmentedBuilds.locate();

        String jdbcUrl;

        String dbUsername;

        String dbPassword;

        final List<Path> realmFiles = new ArrayList<>();

        boolean edpRealm;

        String adminUsername = "admin";

        String adminPassword;

        final Map<String, String> clientSecrets = new LinkedHashMap<>();

        Path javaHome = Path.of(System.getProperty("java.home"));

        String heapOptions = "-Xms64m -Xmx512m";

        Path logFile;

        // A first start re-augments Quarkus: 100 s of augmentation and 177 s until ready
        // were measured on the 2-core reference machine under load, so three minutes made
        // starts fail at random.
        Duration startTimeout = Duration.ofMinutes(8);

        boolean freshData;

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir");
        }

        /**
         * The HTTP port; {@value KeycloakServer#DEFAULT_HTTP_PORT} unless set.
         * @param port a port, or 0 for a free one
         * @return this builder
         */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /**
         * The management port (health, metrics); a free one unless set.
         * @param port a port, or 0 for a free one
         * @return this builder
         */
        public Builder managementPort(int port) {
            this.managementPort = port;
            return this;
        }

        /**
         * The address the HTTP port listens on ({@code --http-host}); every interface
         * unless set.
         * @param host an IP address, e.g. {@code 127.0.0.1}
         * @return this builder
         */
        public Builder httpHost(String host) {
            this.httpHost = host;
            return this;
        }

        /**
         * The address the management port listens on ({@code --http-management-host});
         * the HTTP port's unless set.
         * @param host an IP address, e.g. {@code 127.0.0.1}
         * @return this builder
         */
        public Builder managementHost(String host) {
            this.managementHost = host;
            return this;
        }

        /**
         * The distribution to run; {@link KeycloakDistribution#locate()} unless set.
         * @param distribution the distribution
         * @return this builder
         */
        public Builder distribution(KeycloakDistribution distribution) {
            this.distribution = distribution;
            return this;
        }

        /**
         * Stores Keycloak's data in PostgreSQL instead of the {@code dev-file} H2 store.
         * @param jdbcUrl e.g. {@code jdbc:postgresql://localhost:5432/keycloak}
         * @param username database user
         * @param password their password
         * @return this builder
         */
        public Builder postgres(String jdbcUrl, String username, String password) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.dbUsername = Objects.requireNonNull(username, "username");
            this.dbPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Imports the EDP realm ({@link EdpRealm#RESOURCE}).
         * @return this builder
         */
        public Builder edpRealm() {
            this.edpRealm = true;
            return this;
        }

        /**
         * Imports a realm export file.
         * @param realmFile a realm JSON file
         * @return this builder
         */
        public Builder realmFile(Path realmFile) {
            this.realmFiles.add(realmFile);
            return this;
        }

        /**
         * The master realm's bootstrap admin; {@code admin} with a generated password
         * unless set.
         * @param username the username
         * @param password the password
         * @return this builder
         */
        public Builder bootstrapAdmin(String username, String password) {
            this.adminUsername = Objects.requireNonNull(username, "username");
            this.adminPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * A client's secret; a generated one for clients whose realm-file secret is a
         * {@code ${…_CLIENT_SECRET}} placeholder unless set.
         * @param clientId the client
         * @param secret its secret
         * @return this builder
         */
        public Builder clientSecret(String clientId, String secret) {
            this.clientSecrets.put(clientId, Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /**
         * The JDK that runs Keycloak (21 or later); the caller's own unless set.
         * @param javaHome a JDK's home directory
         * @return this builder
         */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        /**
         * Heap options of Keycloak's JVM; {@code -Xms64m -Xmx512m} unless set.
         * @param heapOptions JVM heap options
         * @return this builder
         */
        public Builder heapOptions(String heapOptions) {
            this.heapOptions = Objects.requireNonNull(heapOptions, "heapOptions");
            return this;
        }

        /**
         * Where Keycloak's console output goes; {@code <workDir>/keycloak.log} unless
         * set.
         * @param logFile the log file; appended to
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = logFile.toAbsolutePath();
            return this;
        }

        /**
         * How long {@link KeycloakServer#start()} waits, unpacking included; 8 minutes
         * unless set.
         * @param timeout the timeout
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Deletes the distribution's {@code data} directory (the dev-file database)
         * before starting, so realms are imported and the bootstrap admin is created
         * afresh.
         * @param freshData whether to start from empty data
         * @return this builder
         */
        public Builder freshData(boolean freshData) {
            this.freshData = freshData;
            return this;
        }

        /**
         * Where Keycloak's augmented builds are kept for the next fresh copy of the
         * distribution, so that it starts without augmenting again (see
         * {@code AugmentedBuilds}); {@code null} keeps none. Unless set:
         * {@code -Dedp.keycloak.augmented-builds}, else
         * {@code EDP_KEYCLOAK_AUGMENTED_BUILDS} ({@code off} for none), else
         * {@code ~/.cache/edp/keycloak-augmented}.
         * @param directory the directory, or {@code null}
         * @return this builder
         */
        public Builder augmentedBuilds(Path directory) {
            this.augmentedBuilds = (directory != null) ? AugmentedBuilds.in(directory) : null;
            return this;
        }

        /**
         * The configured server, not started yet.
         * @return the server
         */
        public KeycloakServer build() {
            if (this.adminPassword == null) {
                this.adminPassword = Secrets.generatePassword();
            }
            return new KeycloakServer(this);
        }

    }

}
