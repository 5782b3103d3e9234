package dev.edp.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules and dashboards with Prometheus' own tool (Debian's {@code promtool}):
 * the rules load, every alert's unit test passes, every alert has one, and every PromQL
 * expression of every dashboard parses. Which metric names they use is checked against
 * the running platform in system-tests ({@code MetricNamesExistIntegrationTests}).
 */
class PrometheusRulesTests {

    static final Path RULES = Repository.path("helm/edp/files/prometheus/edp-alerts.yaml");

    static final Path RULE_TESTS = Repository.path("deploy/prometheus/edp-alerts-test.yaml");

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void alertRulesLoad() {
        String output = Command.run(List.of(promtool(), "check", "rules", RULES.toString()), TIMEOUT)
            .assertSuccess("promtool check rules")
            .output();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void everyAlertsUnitTestPasses() {
        Command.Result result = Command.run(List.of(promtool(), "test", "rules", RULE_TESTS.getFileName().toString()),
                RULE_TESTS.getParent(), Map.of(), TIMEOUT);
        result.assertSuccess("promtool test rules");
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAUnitTestThatSeesItFire() throws IOException {
        Set<String> alerts = new TreeSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                assertThat(rule).as("only alerting rules here").containsKey("alert");
                assertThat(alerts.add(String.valueOf(rule.get("alert")))).as("unique " + rule.get("alert")).isTrue();
            }
        }
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(RULE_TESTS));
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test",
                    List.of())) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                (expected == null || expected.isEmpty() ? quiet : firing).add(String.valueOf(check.get("alertname")));
            }
        }
        assertThat(firing).as("alerts with a test that expects them to fire")
            .containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet).as("alerts with a test that expects silence").containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void everyDashboardExpressionParses() throws IOException {
        Map<String, String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(40);
        // promtool has no "parse this query" command: each expression becomes a recording
        // rule, which promtool check rules parses with Prometheus' own PromQL parser.
        List<Map<String, Object>> records = new ArrayList<>();
        int n = 0;
        for (String expression : expressions.values()) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("record", "edp_dashboard_check_" + n++);
            record.put("expr", grafanaVariablesReplaced(expression));
            records.add(record);
        }
        Path file = temp.resolve("dashboard-expressions.yaml");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(file,
                new Yaml(options).dump(Map.of("groups", List.of(Map.of("name", "dashboards", "rules", records)))));
        Command.Result result = Command.run(List.of(promtool(), "check", "rules", file.toString()), TIMEOUT);
        assertThat(result.exitCode()).as(result.output() + "\nexpressions: " + expressions).isZero();
    }

    @Test
    void aBrokenExpressionIsCaughtByTheParseCheck(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file,
                "groups:\n  - name: x\n    rules:\n      - record: x\n        expr: sum by (job (up)\n");
        assertThat(Command.run(List.of(promtool(), "check", "rules", file.toString()), TIMEOUT).exitCode()).isNotZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composePrometheusConfigLoadsAndScrapesEveryServiceUnderTheJobNameTheRulesUse() throws IOException {
        Path config = Repository.path("deploy/compose/prometheus/prometheus.yml");
        Map<String, Object> prometheus = new Yaml().load(Files.readString(config));
        Map<String, String> targets = new LinkedHashMap<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            Map<String, Object> statics = ((List<Map<String, Object>>) job.get("static_configs")).getFirst();
            targets.put(String.valueOf(job.get("job_name")), ((List<String>) statics.get("targets")).getFirst());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        HelmChartTests.MANAGEMENT_PORTS.forEach((service, port) -> expected.put(service, service + ":" + port));
        assertThat(targets).isEqualTo(expected);
        // The service-down alert watches exactly these jobs (Helm's ServiceMonitor names
        // jobs the same way).
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        String serviceDown = ((List<Map<String, Object>>) rules.get("groups")).stream()
            .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
            .filter(r -> "EdpServiceDown".equals(r.get("alert")))
            .map(r -> String.valueOf(r.get("expr")))
            .findFirst()
            .orElseThrow();
        java.util.regex.Matcher jobs = java.util.regex.Pattern.compile("job=~\"([^\"]+)\"").matcher(serviceDown);
        assertThat(jobs.find()).isTrue();
        assertThat(Set.of(jobs.group(1).split("\\|"))).isEqualTo(expected.keySet());
        // promtool checks the whole configuration, with the rule files where compose
        // mounts them from.
        Path copy = temp.resolve("prometheus.yml");
        Files.writeString(copy,
                Files.readString(config).replace("/etc/prometheus/rules/*.yaml", RULES.getParent() + "/*.yaml"));
        String output = Command.run(List.of(promtool(), "check", "config", copy.toString()), TIMEOUT)
            .assertSuccess("promtool check config")
            .output();
        assertThat(output).contains("SUCCESS: 1 rule files found");
    }

    /**
     * {@code dashboard file / panel title / refId -> expr} of every dashboard in the
     * chart.
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Repository.path("helm/edp/files/dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                // JSON is YAML: no second parser needed.
                Map<String, Object> dashboard = new Yaml().load(Files.readString(file));
                for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
                    for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets",
                            List.of())) {
                        expressions.put(file.getFileName() + " / " + panel.get("title") + " / " + target.get("refId"),
                                String.valueOf(target.get("expr")));
                    }
                }
            }
        }
        return expressions;
    }

    /**
     * Grafana's own variables, as Grafana substitutes them before the query reaches
     * Prometheus.
     */
    static String grafanaVariablesReplaced(String expression) {
        return expression.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h");
    }

    static String promtool() {
        return Command.require("promtool", "prometheus");
    }

}
