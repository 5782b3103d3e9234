package dev.edp.platform.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.edp.platform.openapi.ApiPaths.Audience;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;

/**
 * Makes every servlet service's OpenAPI document say what the platform does the same way
 * everywhere: who may call an operation (bearer JWT, E3's device assertion, or nobody
 * needed), the RFC 9457 problem every error answers with, the refusals the starter adds
 * (401, 403, 400 on bad input, 404 on an id), the role an operation needs where its
 * handler names none ({@code x-edp-required-role}: device, anonymous, or any valid
 * token), and the status endpoint. Internal service-to-service operations
 * ({@value ApiPaths#INTERNAL}) are left out of the document.
 */
final class EdpOpenApiCustomizer implements GlobalOpenApiCustomizer {

    /** Security scheme of operator APIs. */
    static final String BEARER = "bearer-jwt";

    /** Security scheme of device paths. */
    static final String DEVICE_ASSERTION = "e3-device-assertion";

    /** Component name of the problem schema. */
    static final String PROBLEM = "Problem";

    static final String PROBLEM_JSON = "application/problem+json";

    private final ApiPaths paths;

    private final String statusPath;

    EdpOpenApiCustomizer(ApiPaths paths, String apiPrefix) {
        this.paths = paths;
        this.statusPath = apiPrefix == null ? null : apiPrefix + "/v1/status";
    }

    @Override
    public void customise(OpenAPI api) {
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.setComponents(components);
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .bearerFormat("JWT")
            .description("A Keycloak access token of the edp realm (authorization code "
                    + "through the portal, or client credentials for API clients). Roles: viewer < operator < "
                    + "customer-admin < platform-admin; the token's customer_id decides whose data is visible."));
        components.addSecuritySchemes(DEVICE_ASSERTION, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.HEADER)
            .name("X-EDP-Device-Credential")
            .description("Devices never send this "
                    + "themselves: they call E3 with their client certificate (mutual TLS), and E3 forwards the "
                    + "device as a short-lived ES256 credential for this service plus a per-request HMAC proof "
                    + "(X-EDP-Device-Proof) bound to method, path, query, caller address and time. Any such "
                    + "header from outside is stripped by E3; without valid ones the service answers 401 "
                    + "DEVICE_ASSERTION_INVALID."));
        components.addSchemas(PROBLEM, problemSchema());
        if (api.getPaths() == null) {
            api.setPaths(new Paths());
        }
        if (statusPath != null && !api.getPaths().containsKey(statusPath)) {
            api.getPaths().addPathItem(statusPath, statusOperation());
        }
        for (String path : new ArrayList<>(api.getPaths().keySet())) {
            Audience audience = paths.audience(path);
            if (audience == Audience.INTERNAL) {
                api.getPaths().remove(path);
                continue;
            }
            api.getPaths()
                .get(path)
                .readOperationsMap()
                .forEach((method, operation) -> complete(path, audience, operation));
        }
    }

    private static void complete(String path, Audience audience, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        switch (audience) {
            case OPERATOR -> {
                operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
                addIfAbsent(responses, "401", "UNAUTHORIZED: no, a malformed, an expired or a forged access token.");
                addIfAbsent(responses, "403", "FORBIDDEN: the token's role is too low for this operation; "
                        + "CUSTOMER_DEACTIVATED: the caller's customer is deactivated.");
            }
            case DEVICE -> {
                operation.setSecurity(List.of(new SecurityRequirement().addList(DEVICE_ASSERTION)));
                addIfAbsent(responses, "401",
                        "DEVICE_ASSERTION_INVALID: not called through E3 with a valid device " + "certificate.");
            }
            default -> {
                // Public at the platform's level; an operation may still name its own
                // scheme (EST's token).
                if (operation.getSecurity() == null) {
                    operation.setSecurity(List.of());
                }
            }
        }
        if (operation.getExtensions() == null
                || !operation.getExtensions().containsKey(RequiredRoleCustomizer.EXTENSION)) {
            // No @PreAuthorize on the handler: the path's audience is the rule.
            operation.addExtension(RequiredRoleCustomizer.EXTENSION, switch (audience) {
                case DEVICE -> RequiredRoleCustomizer.DEVICE;
                case OPERATOR -> RequiredRoleCustomizer.AUTHENTICATED;
                default -> RequiredRoleCustomizer.ANONYMOUS;
            });
        }
        boolean hasInput = (operation.getParameters() != null && !operation.getParameters().isEmpty())
                || operation.getRequestBody() != null;
        if (hasInput) {
            addIfAbsent(responses, "400", "VALIDATION_FAILED (with errors: [{field, message}]), "
                    + "MALFORMED_REQUEST_BODY, or an invalid parameter (INVALID_CURSOR, INVALID_LIMIT, …).");
        }
        if (path.contains("{")) {
            addIfAbsent(responses, "404", "NOT_FOUND: no such resource, or one of another customer (the same "
                    + "answer, so ids cannot be probed).");
        }
        responses.forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(problemContent());
            }
        });
        operation.setResponses(sorted(responses));
    }

    private static void addIfAbsent(ApiResponses responses, String code, String description) {
        if (!responses.containsKey(code)) {
            responses.addApiResponse(code, new ApiResponse().description(description));
        }
    }

    private static ApiResponses sorted(ApiResponses responses) {
        ApiResponses sorted = new ApiResponses();
        responses.keySet().stream().sorted().forEach(code -> sorted.addApiResponse(code, responses.get(code)));
        sorted.setExtensions(responses.getExtensions());
        return sorted;
    }

    static Content problemContent() {
        return new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new JsonSchema().$ref("#/components/schemas/" + PROBLEM)));
    }

    private PathItem statusOperation() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("service", schema("string").description("The service's name"));
        properties.put("version", schema("string").description("Its build version"));
        properties.put("status", schema("string").description("Always UP when it answers at all"));
        properties.put("time", schema("string").format("date-time").description("The service's clock"));
        Schema<Object> status = schema("object");
        status.setProperties(properties);
        Operation operation = new Operation().summary("Is the service reachable (no database, no token)")
            .operationId("status")
            .addTagsItem("Status")
            .security(List.of())
            .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("UP")
                .content(new Content().addMediaType("application/json", new MediaType().schema(status)))));
        return new PathItem().get(operation);
    }

    /** The RFC 9457 problem details every EDP error answers with. */
    static Schema<Object> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type",
                schema("string").format("uri").description("https://edp.dev/problems/<code in kebab case>"));
        properties.put("title",
                schema("string").description("A short summary that does not change between occurrences"));
        properties.put("status", schema("integer").format("int32").description("The HTTP status"));
        properties.put("detail", schema("string").description("What went wrong this time, safe to show"));
        properties.put("instance", schema("string").format("uri").description("The request path"));
        properties.put("code", schema("string").description("Stable machine-readable code, e.g. VALIDATION_FAILED"));
        Map<String, Schema> error = new LinkedHashMap<>();
        error.put("field", schema("string"));
        error.put("message", schema("string"));
        Schema<Object> errorItem = schema("object");
        errorItem.setProperties(error);
        properties.put("errors",
                schema("array").items(errorItem).description("VALIDATION_FAILED only: the offending fields"));
        Schema<Object> problem = schema("object");
        problem.setProperties(properties);
        problem.setRequired(List.of("type", "title", "status", "code"));
        problem
            .setDescription("RFC 9457 problem details (application/problem+json). Never a stack trace or class name.");
        return problem;
    }

    private static Schema<Object> schema(String type) {
        Schema<Object> schema = new JsonSchema();
        schema.setTypes(new LinkedHashSet<>(Set.of(type)));
        return schema;
    }

}
