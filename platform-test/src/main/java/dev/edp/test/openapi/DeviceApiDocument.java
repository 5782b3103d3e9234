package dev.edp.test.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document of what devices may call at E3 ({@code /openapi/device-api.json},
 * the platform starter's {@value #RESOURCE}), kept true against the services' own
 * documents.
 * <p>
 * Every operation a service documents outside {@code /api/} is a device operation (E3
 * routes {@code /onboarding/**}, {@code /.well-known/est/**}, {@code /monitoring/**} and
 * {@code /devices/**} to the services unchanged; operator APIs are under {@code /api/}
 * and never at E3). At E3 such an operation is the service's, with E3's security instead
 * of the service's (the client certificate, {@code mutualTLS}, where the service needs
 * E3's device assertion; nothing where it needs nothing), the refusals E3 adds itself,
 * and {@code x-edp-service} naming the service. Schemas are renamed
 * {@code <service>.<name>} (except {@code Problem}), so services cannot collide.
 * <p>
 * A service's test calls {@link #assertMatches}; with
 * {@code -Dedp.openapi.update-device-api=true} it rewrites that service's part of the
 * file in the source tree instead.
 */
public final class DeviceApiDocument {

    /** Where the document lives on the class path (in platform-starter). */
    public static final String RESOURCE = "dev/edp/platform/openapi/device-api.json";

    /**
     * Set to {@code true} to rewrite a service's part of the document instead of checking
     * it.
     */
    public static final String UPDATE_PROPERTY = "edp.openapi.update-device-api";

    private static final String SOURCE = "platform-starter/src/main/resources/" + RESOURCE;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String SCHEMAS = "#/components/schemas/";

    private DeviceApiDocument() {
    }

    /**
     * Fails unless the E3 document holds exactly this service's device operations as they
     * are expected; or, with {@value #UPDATE_PROPERTY}, updates the source file.
     * @param service the service's name ({@code spring.application.name})
     * @param serviceDocument the service's {@code /v3/api-docs}
     */
    public static void assertMatches(String service, JsonNode serviceDocument) {
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            update(service, serviceDocument);
            return;
        }
        JsonNode e3 = load();
        Map<String, JsonNode> expected = resolvedOperations(expected(service, serviceDocument), service);
        Map<String, JsonNode> actual = resolvedOperations(e3, service);
        assertThat(actual.keySet())
            .as("device operations of " + service + " at E3 (update with -D" + UPDATE_PROPERTY + "=true)")
            .containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected(service, serviceDocument).path("components")
            .path("securitySchemes")
            .properties()
            .forEach(scheme -> assertThat(e3.path("components").path("securitySchemes").path(scheme.getKey()))
                .as("security scheme " + scheme.getKey() + " at E3")
                .isEqualTo(scheme.getValue()));
        expected.forEach((operation, json) -> assertThat(actual.get(operation))
            .as(operation + " at E3 differs from " + service + "'s document (update with -D" + UPDATE_PROPERTY
                    + "=true)")
            .isEqualTo(json));
    }

    /**
     * @return the document from the class path
     */
    public static JsonNode load() {
        try (InputStream in = DeviceApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " on the class path").isNotNull();
            return OpenApiChecks.JSON.readTree(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param service the service's name
     * @param serviceDocument its document
     * @return a document holding only the service's device operations as E3 shows them
     */
    static ObjectNode expected(String service, JsonNode serviceDocument) {
        ObjectNode document = NODES.objectNode();
        ObjectNode paths = document.putObject("paths");
        ObjectNode schemas = document.putObject("components").putObject("schemas");
        Set<String> referenced = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : sorted(serviceDocument.path("paths"))) {
            if (path.getKey().startsWith("/api/")) {
                continue;
            }
            ObjectNode item = paths.putObject(path.getKey());
            for (Map.Entry<String, JsonNode> entry : sorted(path.getValue())) {
                item.set(entry.getKey(), atE3(service, (ObjectNode) entry.getValue().deepCopy(), referenced));
            }
        }
        ObjectNode schemes = ((ObjectNode) document.get("components")).putObject("securitySchemes");
        paths.properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            for (JsonNode requirement : operation.getValue().path("security")) {
                requirement.propertyNames().stream().filter(name -> !"mutualTLS".equals(name)).forEach(name -> {
                    JsonNode scheme = serviceDocument.path("components").path("securitySchemes").path(name);
                    assertThat(scheme.isMissingNode()).as("security scheme " + name + " of " + service).isFalse();
                    schemes.set(name, scheme.deepCopy());
                });
            }
        }));
        List<String> pending = new ArrayList<>(referenced);
        Set<String> done = new HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.removeLast();
            if (!done.add(name)) {
                continue;
            }
            JsonNode schema = serviceDocument.path("components").path("schemas").path(name);
            assertThat(schema.isMissingNode()).as("schema " + name + " of " + service).isFalse();
            Set<String> inner = new HashSet<>();
            schemas.set(renamed(service, name), rename(service, schema.deepCopy(), inner));
            pending.addAll(inner);
        }
        return document;
    }

    private static JsonNode atE3(String service, ObjectNode operation, Set<String> referenced) {
        // The device shows its certificate where the service wants E3's assertion; other
        // schemes (EST's token) are the device's own and stay.
        boolean certificate = false;
        ArrayNode security = NODES.arrayNode();
        for (JsonNode requirement : operation.path("security")) {
            if (requirement.has("e3-device-assertion")) {
                certificate = true;
                security.addObject().putArray("mutualTLS");
            }
            else {
                security.add(requirement.deepCopy());
            }
        }
        operation.set("security", security);
        operation.put("x-edp-service", service);
        ObjectNode responses = operation.has("responses") ? (ObjectNode) operation.get("responses")
                : operation.putObject("responses");
        if (certificate) {
            // The service's 401 (no valid assertion) cannot happen through E3; E3's own
            // 401 can.
            responses.remove("401");
            e3Response(responses, "401", "DEVICE_CERTIFICATE_REQUIRED (no client certificate), "
                    + "DEVICE_CERTIFICATE_INVALID (expired, not from the platform CA, not a device certificate), "
                    + "DEVICE_CERTIFICATE_REVOKED.");
            e3Response(responses, "429", "TOO_MANY_REQUESTS, this device is over its rate limit (Retry-After).");
        }
        if (operation.has("requestBody")) {
            e3Response(responses, "413", "REQUEST_TOO_LARGE, the body is larger than E3 accepts (1 MB).");
        }
        e3Response(responses, "503", certificate
                ? "DEVICE_TRUST_UNAVAILABLE (no current CRL: fails closed; Retry-After), SERVICE_UNAVAILABLE "
                        + "(the service is down; Retry-After), or BACKEND_BUSY (the service's route has as many "
                        + "requests in flight as E3 allows; Retry-After)."
                : "SERVICE_UNAVAILABLE (the service is down; Retry-After), or BACKEND_BUSY (the service's route has "
                        + "as many requests in flight as E3 allows; Retry-After).");
        ObjectNode sortedResponses = NODES.objectNode();
        sorted(responses).forEach(entry -> sortedResponses.set(entry.getKey(), entry.getValue()));
        operation.set("responses", sortedResponses);
        return rename(service, operation, referenced);
    }

    /**
     * Adds what E3 itself answers with a code, after what the service answers with it, if
     * anything.
     */
    private static void e3Response(ObjectNode responses, String code, String description) {
        String text = "E3: " + description;
        if (responses.has(code)) {
            text = responses.get(code).path("description").asString("") + "; " + text;
        }
        ObjectNode problem = NODES.objectNode();
        problem.putObject("application/problem+json").putObject("schema").put("$ref", SCHEMAS + "Problem");
        responses.set(code, response(text, problem));
    }

    private static ObjectNode response(String description, ObjectNode content) {
        ObjectNode response = NODES.objectNode();
        response.put("description", description);
        response.set("content", content.deepCopy());
        return response;
    }

    /** Renames schema references in place, collecting the original names. */
    private static JsonNode rename(String service, JsonNode node, Set<String> referenced) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && ref.asString().startsWith(SCHEMAS)) {
                String name = ref.asString().substring(SCHEMAS.length());
                referenced.add(name);
                object.put("$ref", SCHEMAS + renamed(service, name));
            }
            object.properties().forEach(entry -> rename(service, entry.getValue(), referenced));
        }
        else if (node instanceof ArrayNode array) {
            array.forEach(element -> rename(service, element, referenced));
        }
        return node;
    }

    private static String renamed(String service, String name) {
        return "Problem".equals(name) ? name : service + "." + name;
    }

    /**
     * @param document an E3-style document
     * @param service the service whose operations to take
     * @return {@code METHOD path} → the operation with every schema reference resolved
     */
    static Map<String, JsonNode> resolvedOperations(JsonNode document, String service) {
        Map<String, JsonNode> operations = new TreeMap<>();
        OpenApiChecks.forEachOperation(document, (name, operation) -> {
            if (service.equals(operation.path("x-edp-service").asString(""))) {
                operations.put(name, resolve(document, operation.deepCopy(), 0));
            }
        });
        return operations;
    }

    private static JsonNode resolve(JsonNode document, JsonNode node, int depth) {
        assertThat(depth).as("schema nesting (a recursive schema?)").isLessThan(64);
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && ref.asString().startsWith(SCHEMAS)) {
                JsonNode target = document.path("components")
                    .path("schemas")
                    .path(ref.asString().substring(SCHEMAS.length()));
                assertThat(target.isMissingNode()).as("schema " + ref.asString()).isFalse();
                return resolve(document, target.deepCopy(), depth + 1);
            }
            ObjectNode copy = NODES.objectNode();
            sorted(object).forEach(entry -> copy.set(entry.getKey(), resolve(document, entry.getValue(), depth)));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = NODES.arrayNode();
            array.forEach(element -> copy.add(resolve(document, element, depth)));
            return copy;
        }
        return node;
    }

    private static void update(String service, JsonNode serviceDocument) {
        Path file = sourceFile();
        ObjectNode document;
        try {
            document = (ObjectNode) OpenApiChecks.JSON.readTree(Files.readString(file));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        ObjectNode paths = (ObjectNode) document.path("paths");
        ObjectNode schemas = (ObjectNode) document.path("components").path("schemas");
        // Drop this service's part, then add it as it is now.
        for (Map.Entry<String, JsonNode> path : new ArrayList<>(paths.properties())) {
            ObjectNode item = (ObjectNode) path.getValue();
            for (String method : new ArrayList<>(item.propertyNames())) {
                if (service.equals(item.path(method).path("x-edp-service").asString(""))) {
                    item.remove(method);
                }
            }
            if (item.isEmpty()) {
                paths.remove(path.getKey());
            }
        }
        new ArrayList<>(schemas.propertyNames()).stream()
            .filter(name -> name.startsWith(service + "."))
            .forEach(schemas::remove);
        ObjectNode part = expected(service, serviceDocument);
        part.path("paths").properties().forEach(path -> {
            ObjectNode item = paths.has(path.getKey()) ? (ObjectNode) paths.get(path.getKey())
                    : paths.putObject(path.getKey());
            path.getValue().properties().forEach(operation -> item.set(operation.getKey(), operation.getValue()));
        });
        part.path("components").path("schemas").properties().forEach(schema -> {
            if (!"Problem".equals(schema.getKey()) || !schemas.has("Problem")) {
                schemas.set(schema.getKey(), schema.getValue());
            }
        });
        ObjectNode schemes = (ObjectNode) document.path("components").path("securitySchemes");
        part.path("components")
            .path("securitySchemes")
            .properties()
            .forEach(scheme -> schemes.set(scheme.getKey(), scheme.getValue()));
        ObjectNode sortedPaths = NODES.objectNode();
        sorted(paths).forEach(entry -> sortedPaths.set(entry.getKey(), entry.getValue()));
        document.set("paths", sortedPaths);
        ObjectNode sortedSchemas = NODES.objectNode();
        sorted(schemas).forEach(entry -> sortedSchemas.set(entry.getKey(), entry.getValue()));
        ((ObjectNode) document.get("components")).set("schemas", sortedSchemas);
        try {
            Files.writeString(file,
                    OpenApiChecks.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Path sourceFile() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.exists(directory.resolve(SOURCE))) {
            directory = directory.getParent();
        }
        assertThat(directory).as(SOURCE + " above the working directory").isNotNull();
        return directory.resolve(SOURCE);
    }

    private static List<Map.Entry<String, JsonNode>> sorted(JsonNode object) {
        return object.properties().stream().sorted(Map.Entry.comparingByKey()).toList();
    }

}
