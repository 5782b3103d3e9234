package dev.edp.test.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationContext;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a servlet service's OpenAPI document ({@code /v3/api-docs}) describes
 * exactly what the service serves. The served operations are its real handler mappings
 * ({@link RequestMappingHandlerMapping#getHandlerMethods()}), minus, by an explicit rule:
 * <ul>
 * <li>{@code /error}: the error path every Spring service has (its answers are the
 * documented problems);</li>
 * <li>{@code /v3/api-docs/**}, {@code /swagger-ui/**}, {@code /swagger-ui.html}: the
 * document and its UI;</li>
 * <li>{@code /actuator/**}: the management port only, never routed;</li>
 * <li>{@value #INTERNAL}: service-to-service endpoints, left out of the public documents
 * on purpose (the gateway refuses them from outside); checked to be absent.</li>
 * </ul>
 * plus the starter's {@code <api-prefix>/v1/status}, a router function, which the
 * document must list.
 */
public final class OpenApiChecks {

    /** Internal service-to-service endpoints. */
    public static final String INTERNAL = "/api/*/v1/internal/**";

    /** The paths the rule leaves out besides internal ones. */
    public static final List<String> NOT_DOCUMENTED = List.of("/error", "/error/**", "/v3/api-docs", "/v3/api-docs/**",
            "/v3/api-docs.yaml", "/swagger-ui/**", "/swagger-ui.html", "/actuator/**");

    /**
     * The extension the platform starter writes into every operation: the role it needs.
     */
    public static final String REQUIRED_ROLE = "x-edp-required-role";

    /**
     * What {@value #REQUIRED_ROLE} may say: a realm role, any valid token
     * ({@code isAuthenticated()}), a device through E3, or nobody in particular. Anything
     * else is a {@code @PreAuthorize} rule the starter does not understand yet, and the
     * suites generated from the documents could not apply it.
     */
    public static final Set<String> REQUIRED_ROLES = Set.of("viewer", "operator", "customer-admin", "platform-admin",
            "platform-service", "authenticated", "device", "anonymous");

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final AntPathMatcher MATCHER = new AntPathMatcher();

    private static final Pattern REGEX_VARIABLE = Pattern.compile("\\{([^}:]+):[^}]*}");

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private OpenApiChecks() {
    }

    /**
     * @param baseUrl a service's application port, e.g.
     * {@code ServiceSmokeChecks.baseUrl()}
     * @return its {@code /v3/api-docs}, fetched without a token (the document is public)
     */
    public static JsonNode fetch(String baseUrl) {
        java.net.http.HttpResponse<String> response = dev.edp.test.service.ServiceSmokeChecks.send("GET",
                baseUrl + "/v3/api-docs", null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode document = parse(response.body());
        keep(document, response.body());
        return document;
    }

    /**
     * A copy in {@code target/openapi/}, for reading and for suites generated from the
     * documents.
     */
    private static void keep(JsonNode document, String json) {
        java.nio.file.Path target = java.nio.file.Path.of("target");
        if (!java.nio.file.Files.isDirectory(target)) {
            return;
        }
        String name = document.path("info").path("title").asString("api").replaceAll("[^A-Za-z0-9.-]+", "-");
        try {
            java.nio.file.Files.createDirectories(target.resolve("openapi"));
            java.nio.file.Files.writeString(target.resolve("openapi").resolve(name + ".json"), json);
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * @param json an OpenAPI document
     * @return it parsed
     */
    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    /**
     * @param context the service's application context
     * @return {@code METHOD path} of every handler method, internal ones included, minus
     * {@link #NOT_DOCUMENTED}; a mapping without a method reads {@code ANY path}
     */
    public static SortedSet<String> servedOperations(ApplicationContext context) {
        SortedSet<String> operations = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class)
            .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    String path = REGEX_VARIABLE.matcher(pattern).replaceAll("{$1}");
                    if (NOT_DOCUMENTED.stream().anyMatch(excluded -> MATCHER.match(excluded, path))) {
                        continue;
                    }
                    if (methods.isEmpty()) {
                        operations.add("ANY " + path);
                    }
                    methods.forEach(method -> operations.add(method.name() + " " + path));
                }
            }
        }
        return operations;
    }

    /**
     * @param document an OpenAPI document
     * @return {@code METHOD path} of every operation in it
     */
    public static SortedSet<String> documentedOperations(JsonNode document) {
        SortedSet<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (METHODS.contains(operation.getKey())) {
                    operations.add(operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    /**
     * The document lists every operation the service serves and nothing else (by the rule
     * above), leaves internal endpoints out, gives every operation a security requirement
     * (an empty one where none is needed), the role it needs ({@value #REQUIRED_ROLE}), a
     * success response, and problem+json for every error response.
     * @param context the service's application context
     * @param document its {@code /v3/api-docs}
     * @param apiPrefix its {@code edp.service.api-prefix}
     */
    public static void assertDescribesEveryEndpoint(ApplicationContext context, JsonNode document, String apiPrefix) {
        SortedSet<String> served = servedOperations(context);
        SortedSet<String> expected = new TreeSet<>();
        served.stream()
            .filter(operation -> !MATCHER.match(INTERNAL, operation.substring(operation.indexOf(' ') + 1)))
            .forEach(expected::add);
        expected.add("GET " + apiPrefix + "/v1/status");
        SortedSet<String> documented = documentedOperations(document);
        SortedSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(documented);
        SortedSet<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(expected);
        assertThat(missing).as("served but missing from the OpenAPI document").isEmpty();
        assertThat(unknown).as("in the OpenAPI document but not served").isEmpty();
        assertThat(documented).as("internal endpoints are not in the public document")
            .noneMatch(operation -> MATCHER.match(INTERNAL, operation.substring(operation.indexOf(' ') + 1)));
        forEachOperation(document, (name, operation) -> {
            assertThat(operation.has("security")).as(name + " declares its security").isTrue();
            assertThat(operation.path(REQUIRED_ROLE).asString(""))
                .as(name + " names the role it needs (" + REQUIRED_ROLE + ", from its @PreAuthorize)")
                .isIn(REQUIRED_ROLES);
            JsonNode responses = operation.path("responses");
            List<String> codes = new ArrayList<>();
            responses.propertyNames().forEach(codes::add);
            assertThat(codes).as(name + " has a success response")
                .anyMatch(code -> code.startsWith("2") || code.startsWith("3"));
            for (String code : codes) {
                if (code.startsWith("4") || code.startsWith("5")) {
                    assertThat(responses.path(code).path("content").propertyNames())
                        .as(name + " answers " + code + " with problem+json")
                        .containsExactly("application/problem+json");
                }
            }
        });
    }

    /**
     * @param document an OpenAPI document
     * @param action called with {@code METHOD path} and each operation
     */
    public static void forEachOperation(JsonNode document, java.util.function.BiConsumer<String, JsonNode> action) {
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().properties().iterator();
            while (operations.hasNext()) {
                Map.Entry<String, JsonNode> operation = operations.next();
                if (METHODS.contains(operation.getKey())) {
                    action.accept(operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(),
                            operation.getValue());
                }
            }
        }
    }

}
