package dev.edp.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image definitions, without a Docker engine: the Dockerfile's layer split is run for
 * real on every deployable's jar from this build, its health check script is run against
 * a real HTTP server, and the Dockerfiles are checked for the runtime rules (non-root,
 * JRE 25, container-sized heap).
 */
class ContainerImageTests {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    /** {@code module -> management port} as deploy/docker/build-images.sh builds them. */
    static Map<String, Integer> imagesBuilt() throws IOException {
        String script = Files.readString(Repository.path("deploy/docker/build-images.sh"));
        Matcher list = Pattern.compile("SERVICES=\\(([^)]*)\\)").matcher(script);
        assertThat(list.find()).as("SERVICES=(...) in build-images.sh").isTrue();
        Map<String, Integer> images = new LinkedHashMap<>();
        for (String entry : list.group(1).trim().split("\\s+")) {
            String[] parts = entry.split(":");
            images.put(parts[0], Integer.parseInt(parts[1]));
        }
        return images;
    }

    @Test
    void everyDeployableGetsAnImageOnItsOwnManagementPort() throws IOException {
        Map<String, Integer> images = imagesBuilt();
        assertThat(images.keySet()).containsExactlyInAnyOrderElementsOf(ComposeFileTests.EDP_SERVICES);
        for (var image : images.entrySet()) {
            Map<String, Object> config = new Yaml()
                .load(Files.readString(Repository.path(image.getKey() + "/src/main/resources/application.yml")));
            assertThat(managementPort(config)).as(image.getKey()).isEqualTo(image.getValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static int managementPort(Map<String, Object> config) {
        Map<String, Object> management = (Map<String, Object>) config.get("management");
        return (Integer) ((Map<String, Object>) management.get("server")).get("port");
    }

    @Test
    void everyServiceJarSplitsIntoTheLayersTheDockerfileCopies() throws IOException {
        String dockerfile = Files.readString(Repository.path("deploy/docker/Dockerfile"));
        Matcher copies = Pattern.compile("COPY --from=layers /build/extracted/([a-z-]+)/").matcher(dockerfile);
        List<String> layers = copies.results().map(m -> m.group(1)).toList();
        assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
                "application");
        for (String module : imagesBuilt().keySet()) {
            Path jar = Repository.path(module + "/target/" + module + ".jar");
            assertThat(jar).as("built by the reactor before deploy-tests").isRegularFile();
            Path destination = temp.resolve(module);
            // Exactly the Dockerfile's RUN line.
            Command
                .run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--layers", "--launcher",
                        "--destination", destination.toString()), TIMEOUT)
                .assertSuccess("layer extraction of " + module);
            for (String layer : List.of("dependencies", "spring-boot-loader", "application")) {
                assertThat(destination.resolve(layer)).as(module + " layer " + layer).isDirectory();
            }
            assertThat(
                    destination.resolve("spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class"))
                .as("the ENTRYPOINT's launcher in " + module)
                .isRegularFile();
            assertThat(destination.resolve("application/BOOT-INF/classes/application.yml")).as(module).isRegularFile();
        }
    }

    @Test
    void imagesRunAsNonRootOnJre25WithTheHeapSizedFromTheContainer() throws IOException {
        for (String file : List.of("Dockerfile", "Dockerfile.agent")) {
            String dockerfile = Files.readString(Repository.path("deploy/docker/" + file));
            assertThat(dockerfile).as(file)
                .contains("ARG JRE_IMAGE=eclipse-temurin:25-jre")
                .containsPattern("(?m)^USER 10001:10001$")
                .contains("-XX:MaxRAMPercentage=")
                .contains("-XX:+ExitOnOutOfMemoryError")
                .doesNotContain(":latest");
            // The last USER wins: nothing after it switches back to root.
            assertThat(dockerfile.substring(dockerfile.lastIndexOf("\nUSER "))).as(file).doesNotContain("USER root");
        }
        String service = Files.readString(Repository.path("deploy/docker/Dockerfile"));
        assertThat(service).contains("HEALTHCHECK")
            .contains("CMD [\"edp-health\", \"readiness\"]")
            .contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
        assertThat(Files.readString(Repository.path("deploy/docker/Dockerfile.pgbackup"))).contains("FROM postgres:17")
            .containsPattern("(?m)^USER 999:999$");
    }

    @Test
    void healthScriptAnswersFromTheManagementPortsHealthGroups() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/actuator/health/readiness", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}"));
        server.createContext("/actuator/health/liveness", exchange -> respond(exchange, 503, "{\"status\":\"DOWN\"}"));
        server.start();
        try {
            String port = Integer.toString(server.getAddress().getPort());
            String script = Repository.path("deploy/docker/edp-health").toString();
            Map<String, String> env = Map.of("EDP_MANAGEMENT_PORT", port);
            assertThat(Command.run(List.of(script, "readiness"), Repository.root(), env, TIMEOUT).exitCode()).isZero();
            assertThat(Command.run(List.of(script, "liveness"), Repository.root(), env, TIMEOUT).exitCode())
                .isNotZero();
            // MANAGEMENT_SERVER_PORT (what Helm and compose may set) wins over the
            // image's default.
            Map<String, String> moved = Map.of("EDP_MANAGEMENT_PORT", "1", "MANAGEMENT_SERVER_PORT", port);
            assertThat(Command.run(List.of(script), Repository.root(), moved, TIMEOUT).exitCode()).isZero();
        }
        finally {
            server.stop(0);
        }
        // Nobody listening: unhealthy, not a hang.
        assertThat(Command
            .run(List.of(Repository.path("deploy/docker/edp-health").toString()), Repository.root(),
                    Map.of("EDP_MANAGEMENT_PORT", "1"), TIMEOUT)
            .exitCode()).isNotZero();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body.getBytes();
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String java() {
        return ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

}
