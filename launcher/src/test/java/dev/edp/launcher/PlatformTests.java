package dev.edp.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

import dev.edp.keycloak.KeycloakServer;
import dev.edp.keycloak.LocalPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Starts real child JVMs from jars, like the launcher does with the services. The
 * "service" is a few lines compiled here: it answers readiness on its management port, or
 * fails on request.
 */
class PlatformTests {

    private static final DatabaseCoordinates DB = new DatabaseCoordinates("jdbc:postgresql://db.test:5432/edp", "u",
            "p");

    @TempDir
    Path root;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Workspace workspace;

    private Platform platform;

    @BeforeEach
    void setUp() throws IOException {
        workspace = new Workspace(root);
        workspace.createDirectories();
    }

    @AfterEach
    void tearDown() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void startsAStageFromJarsWaitsForReadinessAndStopsItLeavingNoProcess() throws Exception {
        ServiceSpec good = spec("good");
        ServiceSpec other = spec("other");
        platform = platform("");
        platform.startDatabase();

        try {
            platform.startStage(List.of(good, other));
        }
        catch (StartupException ex) {
            throw new AssertionError(ex.getMessage() + "; its log ends with " + ex.logTail(), ex);
        }

        assertThat(platform.services()).extracting(s -> s.spec().name()).containsExactly("good", "other");
        long pid = platform.services().getFirst().pid();
        assertThat(Files.readString(workspace.pidFile("good")).trim()).isEqualTo(Long.toString(pid));
        assertThat(Files.readString(workspace.logFile("good")))
            .contains("db=jdbc:postgresql://db.test:5432/edp user=u eureka=http://localhost:8761/eureka/")
            .contains("logformat=unset");
        ProcessHandle service = ProcessHandle.of(pid).orElseThrow();

        platform.close();

        assertThat(service.isAlive()).isFalse();
        assertThat(workspace.runDir()).isEmptyDirectory();
        assertThat(output.toString(StandardCharsets.UTF_8)).endsWith("EDP stopped." + System.lineSeparator());
    }

    @Test
    void aFailingServiceIsNamedWithItsLogAndTheRestOfItsStageIsStoppedOnClose() throws Exception {
        platform = platform("-Dfake.fail=true");
        platform.startDatabase();

        assertThatExceptionOfType(StartupException.class).isThrownBy(() -> platform.startStage(List.of(spec("broken"))))
            .satisfies(ex -> {
                assertThat(ex.component()).isEqualTo("broken");
                assertThat(ex.getMessage()).contains("exited with code 1");
                assertThat(ex.logTail()).contains("cannot connect to the database");
            });
        platform.close();
        assertThat(workspace.runDir()).isEmptyDirectory();
    }

    /**
     * Found in CI: E3 waits for Keycloak before it can be ready, and a Keycloak that
     * started slowly made the launcher give up on E3 after its usual budget, although E3
     * itself was still willing to wait.
     */
    @Test
    void aServiceGivenALongerStartTimeoutIsWaitedForThatLongAndOthersAreNot() throws Exception {
        platform = platform("-Dfake.readyAfterMillis=6000", Duration.ofSeconds(3));
        platform.startDatabase();

        // Ready six seconds after it started: later than the three the others get.
        assertThatExceptionOfType(StartupException.class).isThrownBy(() -> platform.startStage(List.of(spec("usual"))))
            .satisfies(ex -> assertThat(ex.getMessage()).contains("not ready after 3 s"));

        platform.setStartTimeout("patient", Duration.ofSeconds(120));
        platform.startStage(List.of(spec("patient")));
        assertThat(platform.services()).extracting(s -> s.spec().name()).containsExactly("patient");
    }

    /**
     * Found in CI: Keycloak, which starts beside the services, failed (its start budget
     * ran out on a loaded machine), and the launcher went on waiting for E3, which waits
     * for Keycloak, for minutes before it reported anything.
     */
    @Test
    void aComponentStartingBesideTheServicesThatFailsEndsTheWaitAtOnce() throws Exception {
        platform = platform("-Dfake.readyAfterMillis=120000", Duration.ofSeconds(300));
        platform.startDatabase();
        CompletableFuture<Void> keycloak = new CompletableFuture<>();
        platform.failStartupWith("keycloak", keycloak, () -> List.of("last line of keycloak.log"));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1_000);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            keycloak.completeExceptionally(new IllegalStateException("Keycloak did not start within 300 s"));
        });

        Instant began = Instant.now();
        assertThatExceptionOfType(StartupException.class)
            .isThrownBy(() -> platform.startStage(List.of(spec("waits-for-keycloak"))))
            .satisfies(ex -> {
                assertThat(ex.component()).isEqualTo("keycloak");
                assertThat(ex.getMessage()).contains("Keycloak did not start within 300 s");
                assertThat(ex.logTail()).containsExactly("last line of keycloak.log");
            });
        assertThat(Duration.between(began, Instant.now())).as("reported long before the service's 120 s")
            .isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void aComponentStartingBesideTheServicesThatSucceedsLetsTheWaitEndWhenTheyAreReady() throws Exception {
        platform = platform("", Duration.ofSeconds(120));
        platform.startDatabase();
        platform.failStartupWith("keycloak", CompletableFuture.completedFuture(null), List::of);
        platform.startStage(List.of(spec("ready")));
        assertThat(platform.services()).extracting(s -> s.spec().name()).containsExactly("ready");
    }

    @Test
    void onlyTheGatewayAndE3FaceOtherMachinesByDefaultAndServicesRegisterWithALoopbackAddress() throws Exception {
        platform = new Platform(workspace, LauncherSettings.fromEnvironment(Map.of("EDP_DB_URL", DB.jdbcUrl())),
                new PrintStream(output, true, StandardCharsets.UTF_8));
        platform.startDatabase();
        platform.useRegistryCredentials(new RegistryCredentials("client-secret", "admin-secret"));

        for (ServiceSpec spec : ServiceSpec.all()) {
            Map<String, String> env = platform.environmentOf(spec);
            boolean door = spec.name().equals("portal-gateway") || spec.name().equals("e3-proxy");
            assertThat(env.get("SERVER_ADDRESS")).as(spec.name()).isEqualTo(door ? "0.0.0.0" : "127.0.0.1");
            assertThat(env).as(spec.name())
                .containsEntry("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1")
                .containsEntry("EUREKA_INSTANCE_IPADDRESS", "127.0.0.1")
                .containsEntry("EUREKA_URL", "http://localhost:8761/eureka/")
                .containsEntry("EDP_REGISTRY_USERNAME", "edp")
                .containsEntry("EDP_REGISTRY_PASSWORD", "client-secret");
            if (spec.equals(ServiceSpec.REGISTRY)) {
                assertThat(env).containsEntry("EDP_REGISTRY_ADMIN_PASSWORD", "admin-secret");
            }
            else {
                assertThat(env).as(spec.name()).doesNotContainKey("EDP_REGISTRY_ADMIN_PASSWORD");
            }
        }
    }

    @Test
    void openingTheInternalPortsStillRegistersServicesWhereTheOthersReachThem() throws Exception {
        platform = new Platform(workspace,
                LauncherSettings.fromEnvironment(Map.of("EDP_DB_URL", DB.jdbcUrl(), "EDP_BIND_ADDRESS", "0.0.0.0",
                        "EDP_PUBLIC_BIND_ADDRESS", "127.0.0.1")),
                new PrintStream(output, true, StandardCharsets.UTF_8));
        platform.startDatabase();

        Map<String, String> masterdata = platform.environmentOf(ServiceSpec.applicationServices(0).getFirst());
        assertThat(masterdata).containsEntry("SERVER_ADDRESS", "0.0.0.0")
            .containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0")
            .containsEntry("EUREKA_INSTANCE_IPADDRESS", "127.0.0.1");
        assertThat(platform.environmentOf(ServiceSpec.gateway())).containsEntry("SERVER_ADDRESS", "127.0.0.1");
    }

    @Test
    void keycloakListensOnLoopbackUnlessItsLoginIsOpenedAndItsManagementPortStaysInternal() throws Exception {
        Database db = new Database.External(DB);
        KeycloakServer byDefault = IdentityProvider.prepare(workspace, LauncherSettings.fromEnvironment(Map.of()), db)
            .server();
        assertThat(byDefault.httpHost()).isEqualTo("127.0.0.1");
        assertThat(byDefault.managementHost()).isEqualTo("127.0.0.1");

        KeycloakServer opened = IdentityProvider
            .prepare(workspace, LauncherSettings.fromEnvironment(Map.of("EDP_KEYCLOAK_BIND_ADDRESS", "0.0.0.0")), db)
            .server();
        assertThat(opened.httpHost()).isEqualTo("0.0.0.0");
        assertThat(opened.managementHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void aMissingJarIsReportedBeforeAnythingStarts() throws Exception {
        platform = platform("");
        platform.startDatabase();
        ServiceSpec missing = new ServiceSpec("missing", URI.create("http://localhost:1"), 2, Optional.empty());

        assertThatExceptionOfType(StartupException.class).isThrownBy(() -> platform.startStage(List.of(missing)))
            .withMessageContaining("missing/target/missing.jar")
            .withMessageContaining("./edp build");
    }

    @Test
    void nothingStartsOnceStoppingHasBegun() throws Exception {
        platform = platform("");
        platform.startDatabase();
        ServiceSpec late = spec("late");
        platform.close();

        assertThatExceptionOfType(StartupException.class).isThrownBy(() -> platform.startStage(List.of(late)));
        assertThat(Files.exists(workspace.logFile("late"))).isFalse();
    }

    private Platform platform(String extraJavaOption) {
        return platform(extraJavaOption, Duration.ofSeconds(60));
    }

    private Platform platform(String extraJavaOption, Duration startTimeout) {
        List<String> options = extraJavaOption.isEmpty() ? List.of("-Xmx32m", "-XX:TieredStopAtLevel=1")
                : List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", extraJavaOption);
        LauncherSettings settings = new LauncherSettings(Optional.of(DB), 0, startTimeout, options, 0);
        return new Platform(workspace, settings, new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    /**
     * A service module under the temporary root, with its jar where the launcher looks
     * for it.
     */
    private ServiceSpec spec(String name) throws Exception {
        int managementPort = LocalPorts.unused();
        ServiceSpec spec = new ServiceSpec(name, URI.create("http://localhost:" + LocalPorts.unused()), managementPort,
                Optional.empty());
        buildFakeServiceJar(spec.jar(root), managementPort);
        return spec;
    }

    private void buildFakeServiceJar(Path jar, int managementPort) throws IOException {
        Path src = Files.createDirectories(root.resolve("fake-src-" + managementPort));
        Files.writeString(src.resolve("FakeService.java"), """
                import com.sun.net.httpserver.HttpServer;
                import java.net.InetSocketAddress;

                public class FakeService {
                    public static void main(String[] args) throws Exception {
                        System.out.println("db=" + System.getenv("EDP_DB_URL") + " user=" + System.getenv("EDP_DB_USER")
                                + " eureka=" + System.getenv("EUREKA_URL"));
                        System.out.println("logformat=" + (System.getenv("EDP_LOG_FORMAT") == null ? "unset" : "set"));
                        if (Boolean.getBoolean("fake.fail")) {
                            System.out.println("cannot connect to the database");
                            System.exit(1);
                        }
                        long readyAt = System.currentTimeMillis() + Long.getLong("fake.readyAfterMillis", 0);
                        HttpServer server = HttpServer.create(new InetSocketAddress(%d), 0);
                        server.createContext("/actuator/health/readiness", exchange -> {
                            exchange.sendResponseHeaders(System.currentTimeMillis() < readyAt ? 503 : 200, -1);
                            exchange.close();
                        });
                        server.start();
                    }
                }
                """.formatted(managementPort));
        int result = ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", src.toString(), src.resolve("FakeService.java").toString());
        assertThat(result).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "FakeService");
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("FakeService.class"));
            out.write(Files.readAllBytes(src.resolve("FakeService.class")));
            out.closeEntry();
        }
    }

}
