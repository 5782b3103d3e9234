package dev.edp.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, checked by Debian's {@code docker-compose} (v1, which validates the
 * file against the compose schema and resolves it without a Docker engine) with a
 * {@code .env} made by the real {@code generate-env.sh}, and then by our rules on the
 * resolved configuration.
 */
class ComposeFileTests {

    /** The services built from EDP images (deploy/docker/Dockerfile). */
    static final Set<String> EDP_SERVICES = Set.of("service-registry", "portal-gateway", "masterdata", "onboarding",
            "device-management", "monitoring", "e3-proxy");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path temp;

    static Path envFile;

    static Map<String, Map<String, Object>> allProfiles;

    @BeforeAll
    static void resolveWithEveryProfile() {
        envFile = temp.resolve("edp.env");
        Command.run(List.of("deploy/compose/generate-env.sh", "--vault", envFile.toString()), TIMEOUT)
            .assertSuccess("generate-env.sh");
        allProfiles = services(config(envFile, "monitoring", "vault"));
    }

    static String config(Path env, String... profiles) {
        List<String> command = new ArrayList<>(List.of(Command.require("docker-compose", "docker-compose"),
                "--env-file", env.toString(), "-f", "docker-compose.yml"));
        for (String profile : profiles) {
            command.addAll(List.of("--profile", profile));
        }
        command.add("config");
        return Command.run(command, TIMEOUT).assertSuccess("docker-compose config").output();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(String resolved) {
        Map<String, Object> document = new Yaml().load(resolved);
        return (Map<String, Map<String, Object>>) document.get("services");
    }

    @Test
    void composeValidatesWithEachProfileCombinationAndOptionalPartsSitInTheirProfiles() {
        // docker-compose v1's config lists every service; which ones start is their
        // "profiles" key.
        for (String[] profiles : List.of(new String[0], new String[] { "monitoring" }, new String[] { "vault" })) {
            assertThat(services(config(envFile, profiles)).keySet()).containsAll(EDP_SERVICES)
                .contains("postgres", "keycloak", "keycloak-setup");
        }
        Map<String, List<String>> profiles = new TreeMap<>();
        allProfiles.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            List<String> own = (List<String>) service.get("profiles");
            if (own != null) {
                profiles.put(name, own);
            }
        });
        assertThat(profiles).isEqualTo(Map.of("prometheus", List.of("monitoring"), "grafana", List.of("monitoring"),
                "vault", List.of("vault"), "vault-init", List.of("vault")));
    }

    @Test
    void onlyTheGatewayAndE3ArePublishedBeyondTheHostsLoopback() {
        Map<String, List<String>> publicPorts = new TreeMap<>();
        Map<String, List<String>> loopbackPorts = new TreeMap<>();
        allProfiles.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                Published published = Published.parse(port);
                (published.loopback() ? loopbackPorts : publicPorts).computeIfAbsent(name, key -> new ArrayList<>())
                    .add(published.hostPort() + "->" + published.containerPort());
            }
        });
        assertThat(publicPorts)
            .isEqualTo(Map.of("portal-gateway", List.of("8080->8080"), "e3-proxy", List.of("8443->8443")));
        // For people on the host only: the login page, and with the monitoring profile
        // Grafana/Prometheus.
        assertThat(loopbackPorts).isEqualTo(Map.of("keycloak", List.of("8180->8180"), "grafana", List.of("3000->3000"),
                "prometheus", List.of("9090->9090")));
    }

    @Test
    void managementPortsTheDatabaseAndTheRegistryAreNeverPublished() {
        allProfiles.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                int target = Published.parse(port).containerPort();
                assertThat(target).as("%s publishes %s", name, target)
                    .isNotIn(5432, 8761, 8200, 9080, 9081, 9082, 9083, 9084, 9180, 9443, 9761);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEdpServiceRunsHardenedWithHealthFromItsManagementPort() {
        for (String name : EDP_SERVICES) {
            Map<String, Object> service = allProfiles.get(name);
            assertThat(service.get("read_only")).as(name).isEqualTo(true);
            assertThat((List<String>) service.get("cap_drop")).as(name).containsExactly("ALL");
            assertThat((List<String>) service.get("security_opt")).as(name).contains("no-new-privileges:true");
            assertThat((List<String>) service.get("tmpfs")).as(name).contains("/tmp");
            Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
            assertThat((List<String>) health.get("test")).as(name).containsExactly("CMD", "edp-health", "readiness");
            Map<String, Object> dependsOn = (Map<String, Object>) service.get("depends_on");
            // E3 keeps no data; everything else waits for its database.
            assertThat(dependsOn).as(name).containsKey(name.equals("e3-proxy") ? "onboarding" : "postgres");
            dependsOn.forEach((dependency, condition) -> assertThat(((Map<String, Object>) condition).get("condition"))
                .as("%s waits for %s", name, dependency)
                .isEqualTo("service_healthy"));
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            assertThat(environment).as(name)
                .containsKeys("EDP_DB_PASSWORD", "EDP_REGISTRY_PASSWORD", "EUREKA_URL", "EDP_ISSUER_URI",
                        "EDP_SERVICES_CLIENT_SECRET");
            assertThat(String.valueOf(environment.get("EDP_DB_PASSWORD"))).as(name).hasSizeGreaterThanOrEqualTo(32);
        }
        assertThat(((Map<String, Object>) allProfiles.get("e3-proxy").get("depends_on")).keySet())
            .contains("onboarding", "keycloak");
    }

    @Test
    void composeRefusesToResolveWithoutTheGeneratedSecrets() throws IOException {
        Path empty = Files.writeString(temp.resolve("empty.env"), "# nothing generated\n");
        Command.Result result = Command.run(List.of(Command.require("docker-compose", "docker-compose"), "--env-file",
                empty.toString(), "-f", "docker-compose.yml", "config"), TIMEOUT);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("run deploy/compose/generate-env.sh first");
    }

    @Test
    void generatedEnvFileIsOwnerOnlyUniqueAndNeverOverwrittenOrCommitted() throws IOException {
        assertThat(Files.getPosixFilePermissions(envFile)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        Map<String, String> first = readEnv(envFile);
        Command.Result again = Command.run(List.of("deploy/compose/generate-env.sh", envFile.toString()), TIMEOUT);
        assertThat(again.exitCode()).isNotZero();
        assertThat(readEnv(envFile)).isEqualTo(first);

        Path second = temp.resolve("second.env");
        Command.run(List.of("deploy/compose/generate-env.sh", second.toString()), TIMEOUT).assertSuccess("generate");
        Map<String, String> other = readEnv(second);
        for (String key : List.of("EDP_DB_PASSWORD", "EDP_PKI_KEK", "EDP_MONITORING_SECRETS_KEY",
                "EDP_SERVICES_CLIENT_SECRET", "EDP_REGISTRY_PASSWORD", "EDP_REGISTRY_ADMIN_PASSWORD",
                "EDP_ADMIN_PASSWORD")) {
            assertThat(other.get(key)).as(key).isNotBlank().isNotEqualTo(first.get(key));
        }
        assertThat(java.util.Base64.getDecoder().decode(first.get("EDP_PKI_KEK"))).hasSize(32);
        assertThat(Command.run(List.of("git", "check-ignore", "-q", ".env"), TIMEOUT).exitCode())
            .as(".env is git-ignored")
            .isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRealmPlaceholderIsSuppliedToKeycloak() throws IOException {
        String realm = Files.readString(Repository.path("keycloak-runner/src/main/resources/keycloak/edp-realm.json"));
        Matcher placeholders = Pattern.compile("\\$\\{(EDP_[A-Z_]+)}").matcher(realm);
        Map<String, Object> environment = (Map<String, Object>) allProfiles.get("keycloak").get("environment");
        List<String> missing = new ArrayList<>();
        while (placeholders.find()) {
            if (!environment.containsKey(placeholders.group(1))) {
                missing.add(placeholders.group(1));
            }
        }
        assertThat(missing).as("realm placeholders Keycloak would import literally").isEmpty();
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /**
     * One resolved {@code ports} entry: {@code [host_ip:]published:target[/protocol]} or
     * the long syntax.
     */
    record Published(String hostIp, int hostPort, int containerPort) {

        boolean loopback() {
            return hostIp.startsWith("127.") || hostIp.equals("::1") || hostIp.equals("[::1]");
        }

        @SuppressWarnings("unchecked")
        static Published parse(Object entry) {
            if (entry instanceof Map<?, ?> map) {
                Map<String, Object> port = (Map<String, Object>) map;
                return new Published(String.valueOf(port.getOrDefault("host_ip", "0.0.0.0")),
                        Integer.parseInt(String.valueOf(port.get("published"))),
                        Integer.parseInt(String.valueOf(port.get("target"))));
            }
            String text = String.valueOf(entry).replaceFirst("/(tcp|udp)$", "");
            String[] parts = text.split(":");
            return switch (parts.length) {
                case 3 -> new Published(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                // No address: Docker publishes on every interface.
                case 2 -> new Published("0.0.0.0", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                default -> throw new AssertionError("unexpected ports entry " + entry);
            };
        }
    }

}
