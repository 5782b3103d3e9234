package dev.edp.systemtest;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations of the running platform, read from the OpenAPI documents it serves (each
 * service's {@code /v3/api-docs} through the gateway with a token, E3's device document),
 * so the suites that are generated from them cover every operation the platform
 * documents, also the ones added later.
 */
final class OpenApiOperations {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The gateway's API prefixes of the services with operator APIs. */
    static final List<String> SERVICES = List.of("masterdata", "onboarding", "devices", "monitoring");

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /**
     * One documented operation, with the document it came from (to resolve its schemas).
     */
    record Operation(String source, String method, String path, JsonNode spec, JsonNode document) {

        /**
         * @return its {@code x-edp-required-role}
         */
        String requiredRole() {
            return spec.path("x-edp-required-role").asString("");
        }

        /**
         * @return its parameters
         */
        List<JsonNode> parameters() {
            List<JsonNode> parameters = new ArrayList<>();
            spec.path("parameters").forEach(parameter -> parameters.add(resolve(parameter)));
            return parameters;
        }

        /**
         * @return the media type of its request body, or null without one
         */
        String bodyType() {
            JsonNode content = spec.path("requestBody").path("content");
            return content.isObject() && !content.isEmpty() ? content.propertyNames().iterator().next() : null;
        }

        /**
         * @return the resolved schema of its JSON request body, or a missing node
         */
        JsonNode bodySchema() {
            String type = bodyType();
            return type == null ? JSON.missingNode()
                    : resolve(spec.path("requestBody").path("content").path(type).path("schema"));
        }

        /**
         * @return the schema with {@code $ref} followed, within this operation's document
         */
        JsonNode resolve(JsonNode schema) {
            JsonNode current = schema;
            for (int depth = 0; depth < 10 && current.has("$ref"); depth++) {
                String ref = current.get("$ref").asString();
                current = document.at(ref.substring(1));
            }
            return current;
        }

        /**
         * @return whether the path has parameters in it
         */
        boolean hasPathParameters() {
            return path.contains("{");
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private OpenApiOperations() {
    }

    /**
     * @param platform the running platform
     * @param token any valid access token (the documents are behind login at the gateway)
     * @return every operator operation (under {@code /api/}) the services document,
     * status excluded
     */
    static List<Operation> operatorOperations(RunningPlatform platform, String token) {
        List<Operation> operations = new ArrayList<>();
        for (String service : SERVICES) {
            HttpResponse<String> document = send("GET", platform.gatewayUrl() + "/api/" + service + "/v3/api-docs",
                    null, null, token);
            assertThat(document.statusCode()).as(service + "'s document: " + document.body()).isEqualTo(200);
            operations.addAll(operations(service, JSON.readTree(document.body()),
                    path -> path.startsWith("/api/") && !path.endsWith("/v1/status")));
        }
        assertThat(operations).as("operations documented by the services").hasSizeGreaterThan(40);
        return operations;
    }

    /**
     * @param service a name for the source
     * @param document an OpenAPI document
     * @param include which paths to take
     * @return its operations
     */
    static List<Operation> operations(String service, JsonNode document, java.util.function.Predicate<String> include) {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            if (!include.test(path.getKey())) {
                continue;
            }
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (METHODS.contains(method.getKey())) {
                    operations.add(new Operation(service, method.getKey(), path.getKey(), method.getValue(), document));
                }
            }
        }
        return operations;
    }

}
