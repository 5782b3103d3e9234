package dev.edp.systemtest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.edp.test.pki.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric name the alert rules and Grafana dashboards use (helm/edp/files/prometheus
 * and helm/edp/files/dashboards, read at test time) exists in the
 * {@code /actuator/prometheus} output of the running platform's services, scraped on
 * their management ports: a dashboard of missing metrics is worse than none. Names
 * Prometheus makes itself ({@code up}, {@code scrape_*}, {@code ALERTS}) are not the
 * services' to expose.
 */
@ExtendWith(RunningPlatform.class)
class MetricNamesExistIntegrationTests {

    /**
     * Service and its management port before the port offset (application port + 1000; E3
     * 9443).
     */
    static final Map<String, Integer> MANAGEMENT_PORTS = Map.of("service-registry", 9761, "portal-gateway", 9080,
            "masterdata", 9081, "onboarding", 9082, "device-management", 9083, "monitoring", 9084, "e3-proxy", 9443);

    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up", "ALERTS", "ALERTS_FOR_STATE");

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void everyMetricTheDashboardsAndAlertRulesUseIsExposedByTheServices(RunningPlatform platform) throws Exception {
        Map<String, Set<String>> used = usedMetricNames(platform.repositoryRoot());
        // The extraction itself must work, or the check below would pass on nothing.
        assertThat(used.keySet())
            .contains("edp_heartbeats_received_total", "edp_e3_crl_age_seconds", "hikaricp_connections_pending",
                    "http_server_requests_seconds_count", "edp_outbox_dead_total")
            .doesNotContain("sum", "rate", "by", "job", "instance", "le", "and", "outcome");
        assertThat(used).hasSizeGreaterThan(30);

        // Counters with a tag appear once something counted: one refused device request
        // and one refused enrollment, both through E3 (as a device would send them).
        provokeDevicePathMetrics(platform);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(DEADLINE);
        Map<String, Set<String>> missing;
        Set<String> exposed;
        do {
            exposed = new HashSet<>();
            for (var service : MANAGEMENT_PORTS.entrySet()) {
                exposed.addAll(scrape(http, service.getValue() + platform.portOffset(), service.getKey()));
            }
            missing = new TreeMap<>(used);
            missing.keySet().removeAll(exposed);
            missing.keySet().removeIf(name -> MADE_BY_PROMETHEUS.contains(name) || name.startsWith("scrape_"));
            // Gauges of the health checker and lazily registered counters need a moment
            // after start.
            if (missing.isEmpty() || Instant.now().isAfter(deadline)) {
                break;
            }
            Thread.sleep(2000);
        }
        while (true);
        assertThat(missing).as("metric names used by dashboards/rules (with where) that no service exposes").isEmpty();
    }

    private static void provokeDevicePathMetrics(RunningPlatform platform) throws Exception {
        List<X509Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(platform.e3TrustFile())))
            .stream()
            .map(X509Certificate.class::cast)
            .toList());
        HttpClient anonymous = HttpClient.newBuilder()
            .sslContext(TestPki.trustingOnly(chain.getLast()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
        HttpResponse<String> refused = anonymous
            .send(HttpRequest.newBuilder(URI.create(platform.e3Url() + "/monitoring/api/v1/heartbeat"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        // 401 without a certificate; 503 if E3 fails closed at that moment - refused and
        // counted either way.
        assertThat(refused.statusCode()).as(refused.body()).isIn(401, 503);
        HttpResponse<String> enrollment = anonymous
            .send(HttpRequest.newBuilder(URI.create(platform.e3Url() + "/onboarding/api/v1/enrollments"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"edp_ot_unknown\",\"csr\":\"not a csr\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(enrollment.statusCode()).as(enrollment.body()).isBetween(400, 499);
    }

    /** The sample names (without labels) of one service's Prometheus exposition. */
    private static Set<String> scrape(HttpClient http, int port, String service) throws Exception {
        HttpResponse<String> response = http
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(service + " /actuator/prometheus").isEqualTo(200);
        Set<String> names = new HashSet<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher name = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(line);
                if (name.find()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }

    /**
     * {@code metric name -> where it is used}, from the rule file's expressions and every
     * dashboard target.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> usedMetricNames(Path root) throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        Path files = root.resolve("helm/edp/files");
        Map<String, Object> rules = new Yaml().load(Files.readString(files.resolve("prometheus/edp-alerts.yaml")));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                for (String name : PromQl.metricNames(String.valueOf(rule.get("expr")))) {
                    used.computeIfAbsent(name, key -> new TreeSet<>()).add("alert " + rule.get("alert"));
                }
            }
        }
        try (Stream<Path> dashboards = Files.list(files.resolve("dashboards"))) {
            for (Path file : dashboards.filter(f -> f.toString().endsWith(".json")).toList()) {
                Map<String, Object> dashboard = new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
                for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
                    for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets",
                            List.of())) {
                        for (String name : PromQl.metricNames(String.valueOf(target.get("expr")))) {
                            used.computeIfAbsent(name, key -> new TreeSet<>())
                                .add(file.getFileName() + " / " + panel.get("title"));
                        }
                    }
                }
            }
        }
        return used;
    }

    /**
     * The metric names in a PromQL expression: what is left once strings, label matchers,
     * ranges, grouping label lists, numbers and durations are removed, and neither a
     * keyword nor a function (a name followed by "(").
     */
    static final class PromQl {

        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
                "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

        private static final Pattern GROUPING = Pattern
            .compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

        private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");

        private PromQl() {
        }

        static List<String> metricNames(String expression) {
            String text = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\$\\w+", "");
            text = GROUPING.matcher(text).replaceAll(" ");
            List<String> names = new ArrayList<>();
            Matcher identifier = IDENTIFIER.matcher(text);
            while (identifier.find()) {
                String name = identifier.group();
                String rest = text.substring(identifier.end()).stripLeading();
                if (!rest.startsWith("(") && !KEYWORDS.contains(name.toLowerCase())) {
                    names.add(name);
                }
            }
            return names;
        }

    }

}
