package dev.edp.systemtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal in a real browser: Playwright ({@code portal/e2e}) drives Debian's Chromium
 * against the platform this JVM started with the launcher (shared with the other system
 * tests). This class prepares what the browser needs through the API (two customers,
 * their users, an application and a release, the offline alert rule, 10,000 devices for
 * the fleet-page measurement), writes it into a file for the specs, and runs
 * {@code npx playwright test}; a failing browser test fails this test and so the build.
 * Screenshots of every page at 375 px and 1440 px, the Playwright report and the
 * fleet-page timing are written under {@code system-tests/target/portal-e2e}.
 */
@ExtendWith(RunningPlatform.class)
class PortalBrowserIntegrationTests {

    static final int LOAD_DEVICES = 10_000;

    @Test
    void thePortalPassesItsBrowserTestsAgainstTheWholePlatform(RunningPlatform platform) throws Exception {
        PlatformUsers users = new PlatformUsers(platform);
        String admin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customerA = users.createCustomer(admin, "portal-a-" + suffix);
        String customerB = users.createCustomer(admin, "portal-b-" + suffix);
        Map<String, Map<String, String>> people = new LinkedHashMap<>();
        people.put("adminA", person(users, admin, customerA, "portal-admin-a-" + suffix, "customer-admin"));
        people.put("adminA2", person(users, admin, customerA, "portal-admin2-a-" + suffix, "customer-admin"));
        people.put("operatorA", person(users, admin, customerA, "portal-op-a-" + suffix, "operator"));
        people.put("viewerA", person(users, admin, customerA, "portal-viewer-a-" + suffix, "viewer"));
        people.put("operatorB", person(users, admin, customerB, "portal-op-b-" + suffix, "operator"));
        people.put("platformAdmin", Map.of("username", "admin", "password", platform.secret("edp.admin.password")));

        // What the browser scenario starts from: a release to pin, and an alert as soon
        // as a device is offline.
        String adminA = users.login(people.get("adminA").get("username"), people.get("adminA").get("password"));
        String devices = platform.gatewayUrl() + "/api/devices/v1";
        String application = Calls.lineMonitor(devices, adminA);
        String release = "2026.12." + suffix.substring(0, 4);
        Calls.expect(send("POST", devices + "/releases", "application/json", "{\"name\":\"" + release
                + "\",\"containers\":[{" + "\"applicationId\":\"" + application + "\",\"tag\":\"1.0.0\"}]}", adminA),
                201);
        Calls.expect(send("PUT", platform.gatewayUrl() + "/api/monitoring/v1/alert-rules", "application/json",
                "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":0}]}", adminA), 200);
        String customerC = users.createCustomer(admin, "portal-load-" + suffix);
        insertDevices(platform, UUID.fromString(customerC), LOAD_DEVICES);

        Path repository = platform.repositoryRoot();
        Path output = repository.resolve("system-tests/target/portal-e2e");
        Files.createDirectories(output);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("baseUrl", platform.gatewayUrl());
        env.put("e3Url", platform.e3Url());
        env.put("e3Trust", platform.e3TrustFile().toString());
        env.put("agentJar", repository.resolve("device-agent/target/edp-agent.jar").toString());
        env.put("java", ProcessHandle.current().info().command().orElse("java"));
        env.put("outputDir", output.toString());
        env.put("customerA", customerA);
        env.put("customerB", customerB);
        env.put("releaseName", release);
        env.put("users", people);
        Path envFile = output.resolve("e2e-env.json");
        Files.writeString(envFile, Json.write(env));

        Path log = output.resolve("playwright.log");
        ProcessBuilder playwright = new ProcessBuilder("npx", "playwright", "test")
            .directory(repository.resolve("portal").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        playwright.environment().put("EDP_E2E_ENV", envFile.toString());
        playwright.environment().put("EDP_E2E_BASE_URL", platform.gatewayUrl());
        playwright.environment().put("EDP_E2E_OUTPUT", output.toString());
        playwright.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        playwright.environment().put("CI", "true");
        Process process = playwright.start();
        boolean finished = process.waitFor(30, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String report = Files.readString(log);
        System.out.println(report);
        assertThat(finished).as("Playwright finished within 30 minutes:\n" + report).isTrue();
        assertThat(process.exitValue()).as("Playwright's browser tests:\n" + report).isZero();
        assertThat(report).contains("passed").doesNotContain(" failed");
        try (var screenshots = Files.list(output.resolve("screenshots"))) {
            assertThat(screenshots.map(path -> path.getFileName().toString()).toList()).contains("fleet-375.png",
                    "fleet-1440.png", "device-375.png", "health-1440.png");
        }
    }

    private static Map<String, String> person(PlatformUsers users, String creator, String customer, String username,
            String role) {
        return Map.of("username", username, "password", users.createUser(creator, customer, username, role));
    }

    /**
     * The 10,000 devices of the fleet-page measurement go straight into
     * device-management's table (one INSERT … SELECT, as its EXPLAIN test does):
     * registering them one by one through the API would take minutes of this test for
     * nothing the measurement needs.
     */
    private static void insertDevices(RunningPlatform platform, UUID customer, int count) throws SQLException {
        try (Connection db = DriverManager.getConnection(platform.jdbcUrl(), "edp", "edp");
                Statement sql = db.createStatement()) {
            sql.executeUpdate(
                    """
                            INSERT INTO devices.device (id, customer_id, name, environment, labels, lifecycle, connectivity,
                                connectivity_since, version, created_at, created_by, updated_at, updated_by)
                            SELECT gen_random_uuid(), '%s', 'load-' || lpad(n::text, 5, '0'),
                                   (ARRAY['TESTING','STAGING','PRODUCTION'])[1 + n %% 3], jsonb_build_object('rack', (n %% 20)::text),
                                   'ACTIVE', (ARRAY['ONLINE','OFFLINE','UNKNOWN'])[1 + n %% 3], now(), 1, now(), 'load', now(), 'load'
                            FROM generate_series(1, %d) AS n"""
                        .formatted(customer, count));
            sql.execute("ANALYZE devices.device");
        }
    }

    /** Just enough JSON for the env file (strings, maps, lists). */
    static final class Json {

        private Json() {
        }

        static String write(Object value) {
            if (value instanceof Map<?, ?> map) {
                StringBuilder out = new StringBuilder("{");
                map.forEach((key, item) -> out.append(out.length() > 1 ? "," : "")
                    .append(write(key.toString()))
                    .append(':')
                    .append(write(item)));
                return out.append('}').toString();
            }
            if (value instanceof List<?> list) {
                return list.stream()
                    .map(Json::write)
                    .reduce((a, b) -> a + "," + b)
                    .map(s -> "[" + s + "]")
                    .orElse("[]");
            }
            String text = value.toString();
            StringBuilder out = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> out.append(c < 0x20 ? "\\u%04x".formatted((int) c) : String.valueOf(c));
                }
            }
            return out.append('"').toString();
        }

    }

}
