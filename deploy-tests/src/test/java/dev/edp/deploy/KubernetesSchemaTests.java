package dev.edp.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every rendered manifest against Kubernetes' own API types (fabric8's kubernetes-model,
 * generated from the Kubernetes OpenAPI schema), offline: a built-in kind must
 * deserialize into its typed class, and no field anywhere may be unknown to the schema or
 * of the wrong type (fabric8 keeps both in {@code additionalProperties}, which must stay
 * empty). The operators' custom resources (ServiceMonitor, PrometheusRule, CloudNativePG
 * Cluster, Keycloak, KeycloakRealmImport) have no types here; {@link HelmChartTests} and
 * {@link #customResourcesCarryTheFieldsTheirOperatorsRequire} check them by our own
 * rules.
 */
class KubernetesSchemaTests {

    static final Set<String> CUSTOM_KINDS = Set.of("ServiceMonitor", "PrometheusRule", "Cluster", "Keycloak",
            "KeycloakRealmImport");

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @Test
    void everyRenderedManifestMatchesKubernetesSchemasWithNoUnknownField() {
        List<String> values = new ArrayList<>();
        values.add(null);
        values.addAll(Chart.ENVIRONMENTS);
        int checked = 0;
        for (String valuesFile : values) {
            for (String yaml : Chart
                .documentTexts(Chart.template(valuesFile, "services.portal-gateway.autoscaling.enabled", "true"))) {
                HasMetadata resource = serialization.unmarshal(yaml);
                String what = valuesFile + ": " + resource.getKind() + "/" + resource.getMetadata().getName();
                if (CUSTOM_KINDS.contains(resource.getKind())) {
                    assertThat(resource).as(what).isInstanceOf(GenericKubernetesResource.class);
                    continue;
                }
                assertThat(resource).as(what + " is a Kubernetes type")
                    .isNotInstanceOf(GenericKubernetesResource.class);
                List<String> unknown = new ArrayList<>();
                unknownFields(resource, resource.getKind(), unknown, new IdentityHashMap<>());
                assertThat(unknown).as(what + ": fields Kubernetes does not know").isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(150);
    }

    @Test
    void theCheckCatchesAMisspelledAndAMistypedField() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: x }
                spec:
                  replicas: %s
                  selector: { matchLabels: { a: b } }
                  template:
                    metadata: { labels: { a: b } }
                    spec:
                      containers:
                        - name: x
                          image: x
                          %s: { httpGet: { path: /, port: 80 } }
                """;
        List<String> unknown = new ArrayList<>();
        unknownFields(serialization.unmarshal(deployment.formatted("2", "readinessprobe")), "Deployment", unknown,
                new IdentityHashMap<>());
        assertThat(unknown).singleElement().asString().contains("readinessprobe");
        unknown.clear();
        unknownFields(serialization.unmarshal(deployment.formatted("2", "readinessProbe")), "Deployment", unknown,
                new IdentityHashMap<>());
        assertThat(unknown).isEmpty();
        assertThatThrownBy(() -> serialization.unmarshal(deployment.formatted("two", "readinessProbe")))
            .hasMessageContaining("replicas");
    }

    @Test
    void customResourcesCarryTheFieldsTheirOperatorsRequire() {
        for (String valuesFile : Chart.ENVIRONMENTS) {
            List<Map<String, Object>> documents = Chart.documents(Chart.template(valuesFile));
            for (Map<String, Object> resource : documents) {
                String kind = Manifests.kind(resource);
                String apiVersion = String.valueOf(resource.get("apiVersion"));
                Map<String, Object> spec = Manifests.map(resource, "spec");
                switch (kind) {
                    case "ServiceMonitor", "PrometheusRule" ->
                        assertThat(apiVersion).isEqualTo("monitoring.coreos.com/v1");
                    case "Cluster" -> {
                        assertThat(apiVersion).isEqualTo("postgresql.cnpg.io/v1");
                        assertThat((Integer) spec.get("instances")).isPositive();
                        assertThat(String.valueOf(spec.get("imageName"))).contains("postgresql:17");
                        assertThat(Manifests.map(spec, "bootstrap", "initdb")).containsEntry("database", "edp")
                            .containsEntry("owner", "edp");
                        assertThat(Manifests.map(spec, "storage")).containsKey("size");
                    }
                    case "Keycloak" -> {
                        assertThat(apiVersion).isEqualTo("k8s.keycloak.org/v2alpha1");
                        assertThat(Manifests.map(spec, "db")).containsEntry("vendor", "postgres")
                            .containsKeys("host", "usernameSecret", "passwordSecret");
                        assertThat(Manifests.map(spec, "hostname")).containsKey("hostname");
                        assertThat(Manifests.map(spec, "http")).containsKey("tlsSecret");
                    }
                    case "KeycloakRealmImport" -> {
                        assertThat(apiVersion).isEqualTo("k8s.keycloak.org/v2alpha1");
                        assertThat(spec.get("keycloakCRName")).isEqualTo("edp-keycloak");
                        Manifests.map(spec, "placeholders")
                            .values()
                            .forEach(placeholder -> assertThat(Manifests.map(Map.of("p", placeholder), "p", "secret"))
                                .containsKeys("name", "key"));
                    }
                    default -> {
                    }
                }
                if (kind.equals("PrometheusRule")) {
                    for (Map<String, Object> group : Manifests.list(spec, "groups")) {
                        assertThat(group).containsKeys("name", "rules");
                        for (Map<String, Object> rule : Manifests.list(group, "rules")) {
                            assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
                            assertThat(Manifests.map(rule, "labels")).containsKey("severity");
                        }
                    }
                }
            }
        }
    }

    /**
     * Walks fabric8 model objects and lists every non-empty {@code additionalProperties}
     * with its path.
     */
    static void unknownFields(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> unknownFields(value, path + "." + key, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method method : node.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(node);
            }
            catch (ReflectiveOperationException ex) {
                continue;
            }
            if (method.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
                continue;
            }
            unknownFields(value, path + "." + method.getName().substring(3), unknown, seen);
        }
    }

}
