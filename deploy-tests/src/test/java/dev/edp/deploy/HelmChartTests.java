package dev.edp.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static dev.edp.deploy.Manifests.component;
import static dev.edp.deploy.Manifests.containers;
import static dev.edp.deploy.Manifests.kind;
import static dev.edp.deploy.Manifests.list;
import static dev.edp.deploy.Manifests.map;
import static dev.edp.deploy.Manifests.name;
import static dev.edp.deploy.Manifests.named;
import static dev.edp.deploy.Manifests.ofKind;
import static dev.edp.deploy.Manifests.podSpec;
import static dev.edp.deploy.Manifests.workloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * helm/edp: lint, a render of every values file, and our rules on what is rendered (the
 * schema check against Kubernetes' own types is {@link KubernetesSchemaTests}).
 */
class HelmChartTests {

    static final Set<String> SERVICES = ComposeFileTests.EDP_SERVICES;

    static final Map<String, Integer> MANAGEMENT_PORTS = Map.of("service-registry", 9761, "portal-gateway", 9080,
            "masterdata", 9081, "onboarding", 9082, "device-management", 9083, "monitoring", 9084, "e3-proxy", 9443);

    /** values file (null: the chart's defaults) -> rendered documents */
    static final Map<String, List<Map<String, Object>>> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void renderEveryValuesFile() {
        RENDERED.put("values.yaml", Chart.documents(Chart.template(null)));
        for (String environment : Chart.ENVIRONMENTS) {
            RENDERED.put(environment, Chart.documents(Chart.template(environment)));
        }
    }

    @Test
    void chartPassesStrictLint() {
        LintResult lint = Chart.helm().lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages())
            .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void everyValuesFileRendersEveryServiceWithItsSupportingResources() {
        RENDERED.forEach((values, documents) -> {
            Set<String> workloads = new TreeSet<>();
            workloads(documents).stream()
                .filter(w -> !kind(w).endsWith("Job"))
                .forEach(w -> workloads.add(component(w)));
            assertThat(workloads).as(values).containsExactlyInAnyOrderElementsOf(SERVICES);
            assertThat(named(documents, "StatefulSet", "edp-service-registry")).as(values).isNotNull();
            for (String service : SERVICES) {
                assertThat(named(documents, "Service", "edp-" + service)).as(values).isNotNull();
                assertThat(named(documents, "PodDisruptionBudget", "edp-" + service)).as(values).isNotNull();
                assertThat(named(documents, "NetworkPolicy", "edp-" + service)).as(values).isNotNull();
            }
            assertThat(ofKind(documents, "ServiceMonitor")).as(values).hasSize(1);
            assertThat(ofKind(documents, "PrometheusRule")).as(values).hasSize(1);
            assertThat(ofKind(documents, "ConfigMap")).as(values + " dashboards and shared settings")
                .extracting(Manifests::name)
                .contains("edp-config", "edp-dashboard-fleet", "edp-dashboard-device-path", "edp-dashboard-pki",
                        "edp-dashboard-services");
            CronJobCheck.pgbackup(named(documents, "CronJob", "edp-pgbackup"), values);
        });
    }

    @Test
    void everyContainerHasProbesResourcesAndRunsNonRootReadOnlyWithoutPrivilegeEscalation() {
        RENDERED.forEach((values, documents) -> {
            for (Map<String, Object> workload : workloads(documents)) {
                String what = values + " " + kind(workload) + " " + name(workload);
                Map<String, Object> pod = podSpec(workload);
                assertThat(map(pod, "securityContext").get("runAsNonRoot")).as(what).isEqualTo(true);
                assertThat(pod.get("automountServiceAccountToken")).as(what).isEqualTo(false);
                for (Map<String, Object> container : containers(workload)) {
                    Map<String, Object> security = map(container, "securityContext");
                    assertThat(security.get("runAsNonRoot")).as(what).isEqualTo(true);
                    assertThat(security.get("readOnlyRootFilesystem")).as(what).isEqualTo(true);
                    assertThat(security.get("allowPrivilegeEscalation")).as(what).isEqualTo(false);
                    assertThat(objects(map(security, "capabilities").get("drop"))).as(what).containsExactly("ALL");
                    assertThat(map(container, "resources", "requests")).as(what).containsKeys("cpu", "memory");
                    assertThat(map(container, "resources", "limits")).as(what).containsKey("memory");
                    if (!kind(workload).endsWith("Job")) {
                        String port = "management";
                        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                            assertThat(map(container, probe, "httpGet").get("port")).as(what + " " + probe)
                                .isEqualTo(port);
                        }
                        assertThat(map(container, "livenessProbe", "httpGet").get("path"))
                            .isEqualTo("/actuator/health/liveness");
                        assertThat(map(container, "readinessProbe", "httpGet").get("path"))
                            .isEqualTo("/actuator/health/readiness");
                        assertThat(list(container, "ports")).as(what)
                            .anySatisfy(p -> assertThat(p.get("containerPort"))
                                .isEqualTo(MANAGEMENT_PORTS.get(component(workload))));
                    }
                }
            }
        });
    }

    @Test
    void noManagementPortIsReachableFromOutsideTheCluster() {
        RENDERED.forEach((values, documents) -> {
            for (Map<String, Object> ingress : ofKind(documents, "Ingress")) {
                for (Object backend : Manifests.findAll(ingress, "service")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> service = (Map<String, Object>) backend;
                    assertThat(service.get("name")).as(values).isEqualTo("edp-portal-gateway");
                    assertThat(map(service, "port").get("name")).as(values).isEqualTo("http");
                    assertThat(map(service, "port").get("number")).as(values).isNull();
                }
            }
            for (Map<String, Object> service : ofKind(documents, "Service")) {
                String type = String.valueOf(map(service, "spec").getOrDefault("type", "ClusterIP"));
                if (!type.equals("ClusterIP")) {
                    // Only E3's device port leaves the cluster, as layer 4 (TLS passed
                    // through to E3).
                    assertThat(name(service)).as(values).isEqualTo("edp-e3-proxy-devices");
                    assertThat(list(map(service, "spec"), "ports")).as(values).singleElement().satisfies(port -> {
                        assertThat(port.get("port")).isEqualTo(8443);
                        assertThat(port.get("protocol")).isEqualTo("TCP");
                    });
                }
            }
        });
    }

    @Test
    void networkPoliciesAdmitManagementPortsOnlyFromMonitoringAndTheServicesOnlyFromThePlatform() {
        RENDERED.forEach((values, documents) -> {
            for (String service : SERVICES) {
                Map<String, Object> policy = named(documents, "NetworkPolicy", "edp-" + service);
                assertThat(objects(map(policy, "spec").get("policyTypes"))).containsExactly("Ingress");
                for (Map<String, Object> rule : list(map(policy, "spec"), "ingress")) {
                    int port = (Integer) list(rule, "ports").getFirst().get("port");
                    List<Map<String, Object>> from = list(rule, "from");
                    assertThat(from).as("%s %s port %s admits someone", values, service, port).isNotEmpty();
                    if (port == MANAGEMENT_PORTS.get(service)) {
                        for (Map<String, Object> peer : from) {
                            assertThat(peer).as(values + " " + service).doesNotContainKey("ipBlock");
                            if (peer.containsKey("namespaceSelector")) {
                                assertThat(map(peer, "namespaceSelector", "matchLabels"))
                                    .containsEntry("kubernetes.io/metadata.name", "monitoring");
                            }
                            else {
                                assertThat(map(peer, "podSelector", "matchLabels"))
                                    .containsEntry("app.kubernetes.io/instance", "edp");
                            }
                        }
                    }
                    else if (service.equals("e3-proxy")) {
                        assertThat(port).isEqualTo(8443);
                    }
                    else {
                        // Application ports: platform pods (gateway: also the ingress
                        // controller), never ipBlocks.
                        assertThat(from).as(values + " " + service).allSatisfy(peer -> {
                            assertThat(peer).doesNotContainKey("ipBlock");
                            if (peer.containsKey("namespaceSelector")) {
                                assertThat(service).isEqualTo("portal-gateway");
                            }
                        });
                    }
                }
            }
        });
        // PostgreSQL (CloudNativePG): only this release's pods, Keycloak, its own
        // instances and the operator.
        Map<String, Object> database = named(RENDERED.get("values-testing.yaml"), "NetworkPolicy", "edp-database");
        assertThat(map(database, "spec", "podSelector", "matchLabels")).containsEntry("cnpg.io/cluster", "edp-db");
        assertThat(Manifests.findAll(database, "ipBlock")).isEmpty();
    }

    @Test
    void productionRunsAtLeastTwoOfEverythingWithVaultPkiAndGuaranteedMemory() {
        List<Map<String, Object>> production = RENDERED.get("values-production.yaml");
        for (Map<String, Object> workload : workloads(production)) {
            if (kind(workload).endsWith("Job")) {
                continue;
            }
            String service = component(workload);
            Object replicas = map(workload, "spec").get("replicas");
            if (replicas == null) {
                Map<String, Object> hpa = named(production, "HorizontalPodAutoscaler", "edp-" + service);
                assertThat((Integer) map(hpa, "spec").get("minReplicas")).as(service).isGreaterThanOrEqualTo(2);
            }
            else {
                assertThat((Integer) replicas).as(service).isGreaterThanOrEqualTo(2);
            }
            for (Map<String, Object> container : containers(workload)) {
                assertThat(map(container, "resources", "limits").get("memory")).as(service)
                    .isEqualTo(map(container, "resources", "requests").get("memory"));
            }
        }
        Map<String, Object> onboarding = named(production, "Deployment", "edp-onboarding");
        Map<String, Object> env = environment(onboarding);
        assertThat(env).containsEntry("EDP_PKI_PROVIDER", "vault")
            .containsEntry("EDP_VAULT_AUTH", "kubernetes")
            .doesNotContainKey("EDP_VAULT_TOKEN");
        // Vault's Kubernetes auth gets a short-lived, audience-bound token, not the
        // default mount.
        assertThat(Manifests.findAll(podSpec(onboarding), "serviceAccountToken")).singleElement()
            .satisfies(token -> assertThat(Manifests.map(Map.of("t", token), "t")).containsEntry("audience", "vault"));
        assertThat(environment(named(production, "Deployment", "edp-monitoring")))
            .containsEntry("EDP_MONITORING_HEALTH_EXTRA_0_NAME", "keycloak")
            .containsEntry("EDP_MONITORING_HEALTH_EXTRA_0_URL", "https://auth.example.com/health/ready")
            .containsEntry("EDP_MONITORING_HEALTH_EXTRA_1_NAME", "vault")
            .containsEntry("EDP_MONITORING_HEALTH_EXTRA_1_URL",
                    "https://vault.example.com:8200/v1/sys/health?standbyok=true&perfstandbyok=true");
        // E3 with several replicas shares its assertion keys through one ReadWriteMany
        // volume.
        Map<String, Object> claim = named(production, "PersistentVolumeClaim", "edp-e3-assertion-keys");
        assertThat(objects(map(claim, "spec").get("accessModes"))).containsExactly("ReadWriteMany");
        // Registry replicas are Eureka peers: every service lists all three (shared
        // ConfigMap, envFrom).
        assertThat(objects(Manifests.findAll(onboarding, "configMapRef"))).singleElement()
            .satisfies(ref -> assertThat(Manifests.map(Map.of("r", ref), "r")).containsEntry("name", "edp-config"));
        assertThat(map(named(production, "ConfigMap", "edp-config"), "data").get("EUREKA_URL")).asString()
            .contains("edp-service-registry-0.")
            .contains("edp-service-registry-1.")
            .contains("edp-service-registry-2.");
    }

    @Test
    void internalTlsModeAddsTheMeshButKeepsDeviceTlsAtE3() {
        List<Map<String, Object>> production = RENDERED.get("values-production.yaml");
        for (Map<String, Object> workload : workloads(production)) {
            if (!kind(workload).endsWith("Job")) {
                assertThat(map(workload, "spec", "template", "metadata", "annotations")).as(name(workload))
                    .containsEntry("linkerd.io/inject", "enabled");
            }
        }
        assertThat(map(named(production, "Deployment", "edp-e3-proxy"), "spec", "template", "metadata", "annotations"))
            .containsEntry("config.linkerd.io/skip-inbound-ports", "8443");
        List<Map<String, Object>> istio = Chart
            .documents(Chart.template("values-staging.yaml", "internalTls.mode", "istio"));
        assertThat(map(named(istio, "Deployment", "edp-e3-proxy"), "spec", "template", "metadata", "annotations"))
            .containsEntry("sidecar.istio.io/inject", "true")
            .containsEntry("traffic.sidecar.istio.io/excludeInboundPorts", "8443");
        assertThat(map(named(RENDERED.get("values-testing.yaml"), "Deployment", "edp-masterdata"), "spec", "template",
                "metadata", "annotations"))
            .doesNotContainKeys("linkerd.io/inject", "sidecar.istio.io/inject");
    }

    @Test
    void unsafeSettingsAreRefusedAtRender() {
        assertThatThrownBy(() -> Chart.template("values-testing.yaml", "services.e3-proxy.replicas", "2"))
            .hasMessageContaining("ReadWriteMany");
        assertThatThrownBy(() -> Chart.template("values-production.yaml", "pki.vault.auth", "token"))
            .hasMessageContaining("no static Vault token");
        assertThatThrownBy(() -> Chart.template(null, "secrets.existingSecret", ""))
            .hasMessageContaining("create-secrets.sh");
        // values.schema.json: a misspelt key or an unknown mode fails instead of being
        // ignored.
        assertThatThrownBy(() -> Chart.template(null, "databse.mode", "cloudnativepg")).hasMessageContaining("databse");
        assertThatThrownBy(() -> Chart.template(null, "internalTls.mode", "wireguard"))
            .hasMessageContaining("internalTls");
        assertThatThrownBy(() -> Chart.template(null, "services.e3proxy.replicas", "2"))
            .hasMessageContaining("e3proxy");
    }

    @Test
    void everySecretTheChartReadsIsMadeByCreateSecrets() {
        Map<String, Object> secret = new Yaml()
            .load(Command.run(List.of("deploy/helm/create-secrets.sh", "--print", "edp-test"), Duration.ofSeconds(30))
                .assertSuccess("create-secrets.sh --print")
                .output());
        @SuppressWarnings("unchecked")
        Set<String> made = ((Map<String, Object>) secret.get("data")).keySet();
        RENDERED.forEach((values, documents) -> {
            String secretName = values.equals("values-production.yaml") ? "edp-production-secrets" : "edp-secrets";
            Set<String> read = new TreeSet<>();
            for (Object reference : Manifests.findAll(documents, "secretKeyRef")) {
                Map<?, ?> ref = (Map<?, ?>) reference;
                if (secretName.equals(ref.get("name"))) {
                    read.add(String.valueOf(ref.get("key")));
                }
            }
            for (Object placeholder : Manifests.findAll(documents, "secret")) {
                if (placeholder instanceof Map<?, ?> ref && secretName.equals(ref.get("name"))) {
                    read.add(String.valueOf(ref.get("key")));
                }
            }
            assertThat(made).as(values).containsAll(read);
        });
        assertThat(java.util.Base64.getDecoder()
            .decode(java.util.Base64.getDecoder()
                .decode(String.valueOf(((Map<?, ?>) secret.get("data")).get("pki-kek")))))
            .hasSize(32);
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloakRealmImportIsTheRunnersRealmWithEveryPlaceholderSupplied() throws IOException {
        assertThat(Files.readString(Chart.directory().resolve("files/keycloak/edp-realm.json")))
            .as("helm/edp/files/keycloak/edp-realm.json must be a copy of keycloak-runner's realm: "
                    + "cp keycloak-runner/src/main/resources/keycloak/edp-realm.json helm/edp/files/keycloak/")
            .isEqualTo(Files.readString(Repository.path("keycloak-runner/src/main/resources/keycloak/edp-realm.json")));
        Map<String, Object> realmImport = named(RENDERED.get("values-testing.yaml"), "KeycloakRealmImport",
                "edp-realm");
        Map<String, Object> realm = map(realmImport, "spec", "realm");
        assertThat(realm.get("realm")).isEqualTo("edp");
        Matcher placeholders = Pattern.compile("\\$\\{(EDP_[A-Z_]+)}").matcher(new Yaml().dump(realm));
        Set<String> used = new HashSet<>();
        while (placeholders.find()) {
            used.add(placeholders.group(1));
        }
        assertThat(map(realmImport, "spec", "placeholders").keySet()).containsAll(used);
        List<Map<String, Object>> clients = list(realm, "clients");
        Map<String, Object> portal = clients.stream()
            .filter(c -> "edp-portal".equals(c.get("clientId")))
            .findFirst()
            .orElseThrow();
        assertThat((List<String>) portal.get("redirectUris")).containsExactly("https://edp-testing.example.com/*");
        Map<String, Object> grafana = clients.stream()
            .filter(c -> "edp-grafana".equals(c.get("clientId")))
            .findFirst()
            .orElseThrow();
        assertThat((List<String>) grafana.get("redirectUris"))
            .containsExactly("https://grafana-testing.example.com/login/generic_oauth");
        assertThat(Manifests.findAll(grafana, "claim.name")).containsExactly("roles");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusRuleAndDashboardsAreTheFilesThatAreTested() throws IOException {
        Map<String, Object> rules = new Yaml()
            .load(Files.readString(Chart.directory().resolve("files/prometheus/edp-alerts.yaml")));
        for (List<Map<String, Object>> documents : RENDERED.values()) {
            Map<String, Object> rule = ofKind(documents, "PrometheusRule").getFirst();
            assertThat(map(rule, "spec")).isEqualTo(rules);
            Map<String, Object> monitor = ofKind(documents, "ServiceMonitor").getFirst();
            assertThat(map(monitor, "spec").get("jobLabel")).isEqualTo("app.kubernetes.io/component");
            Map<String, Object> endpoint = list(map(monitor, "spec"), "endpoints").getFirst();
            assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
            // Every in-cluster Service of a service is selected, the device LoadBalancer
            // is not.
            Map<String, Object> selector = map(monitor, "spec", "selector", "matchLabels");
            List<String> scraped = ofKind(documents, "Service").stream()
                .filter(s -> map(s, "metadata", "labels").entrySet().containsAll(selector.entrySet()))
                .map(Manifests::name)
                .toList();
            assertThat(scraped).containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(s -> "edp-" + s).toList());
            for (Map<String, Object> dashboard : ofKind(documents, "ConfigMap").stream()
                .filter(c -> name(c).startsWith("edp-dashboard-"))
                .toList()) {
                Map<String, Object> data = map(dashboard, "data");
                assertThat(map(dashboard, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
                for (var file : data.entrySet()) {
                    assertThat(file.getValue())
                        .isEqualTo(Files.readString(Chart.directory().resolve("files/dashboards/" + file.getKey()))
                            .stripTrailing());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> objects(Object list) {
        return (List<Object>) list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(Map<String, Object> workload) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(containers(workload).getFirst(), "env")) {
            values.put(String.valueOf(variable.get("name")),
                    variable.containsKey("value") ? variable.get("value") : variable.get("valueFrom"));
        }
        return values;
    }

    /** The backup CronJob's schedule and settings. */
    static final class CronJobCheck {

        static void pgbackup(Map<String, Object> cronJob, String values) {
            assertThat(map(cronJob, "spec")).as(values)
                .containsEntry("schedule", "0 */3 * * *")
                .containsEntry("concurrencyPolicy", "Forbid");
            Map<String, Object> env = environment(cronJob);
            assertThat(env).as(values)
                .containsEntry("BACKUP_RETENTION_DAYS", "7")
                .containsKeys("PGHOST", "PGPASSWORD", "S3_ENDPOINT", "S3_BUCKET", "AWS_ACCESS_KEY_ID",
                        "AWS_SECRET_ACCESS_KEY");
            String environment = values.equals("values.yaml") ? "testing"
                    : values.replace("values-", "").replace(".yaml", "");
            assertThat(env).as("one folder per environment").containsEntry("S3_PREFIX", environment);
            assertThat(list(containers(cronJob).getFirst(), "command")).isEqualTo(List.of("pgbackup"));
        }

        private CronJobCheck() {
        }

    }

    static List<String> names(List<Map<String, Object>> documents) {
        List<String> names = new ArrayList<>();
        documents.forEach(d -> names.add(kind(d) + "/" + name(d)));
        return names;
    }

}
