package dev.edp.systemtest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import dev.edp.systemtest.OpenApiOperations.Operation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates bad requests for a documented operation from its OpenAPI description: bodies
 * with wrong types, missing required and extra fields, 1 MB strings, NUL bytes, invalid
 * UTF-8, numbers out of range, JSON nested 10,000 deep, duplicate keys, wrong content
 * types and empty bodies; parameters with invalid UUIDs, cursors, limits, enums and label
 * selectors. Every case is bad on purpose in exactly the way its name says, everything
 * else is as valid as the document allows.
 */
final class BadInputCases {

    /** One bad request. */
    record Case(String name, String method, String path, String contentType, byte[] body, Map<String, String> headers) {

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path + " [" + name + "]";
        }
    }

    static final String MEGABYTE = "A".repeat(1024 * 1024);

    private BadInputCases() {
    }

    /**
     * @param operation a documented JSON operation
     * @param pathValue the value of a path parameter when the case is not about it (e.g.
     * the caller's customer)
     * @return the bad requests for it
     */
    static List<Case> forOperation(Operation operation, Function<String, String> pathValue) {
        List<Case> cases = new ArrayList<>();
        Map<String, String> validPath = new LinkedHashMap<>();
        for (JsonNode parameter : operation.parameters()) {
            if ("path".equals(parameter.path("in").asString())) {
                validPath.put(parameter.path("name").asString(), pathValue.apply(parameter.path("name").asString()));
            }
        }
        String path = expand(operation.path(), validPath);
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asString();
            String in = parameter.path("in").asString();
            JsonNode schema = operation.resolve(parameter.path("schema"));
            for (Map.Entry<String, String> bad : badValues(name, schema).entrySet()) {
                String label = in + " " + name + " " + bad.getKey();
                switch (in) {
                    case "path" -> {
                        Map<String, String> values = new LinkedHashMap<>(validPath);
                        values.put(name, bad.getValue());
                        cases.add(new Case(label, operation.method(), expand(operation.path(), values), null, null,
                                Map.of()));
                    }
                    case "query" -> cases.add(new Case(label, operation.method(),
                            path + "?" + name + "=" + encode(bad.getValue()), null, null, Map.of()));
                    case "header" -> {
                        if (!"Authorization".equalsIgnoreCase(name)) {
                            cases.add(new Case(label, operation.method(), path, null, null,
                                    Map.of(name, bad.getValue())));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        if ("application/json".equals(operation.bodyType())) {
            cases.addAll(bodies(operation, path));
        }
        return cases;
    }

    private static Map<String, String> badValues(String name, JsonNode schema) {
        Map<String, String> values = new LinkedHashMap<>();
        String type = schema.path("type").asString("");
        String format = schema.path("format").asString("");
        if ("uuid".equals(format)) {
            values.put("not a UUID", "not-a-uuid");
            values.put("UUID with a NUL byte", UUID.randomUUID() + "\u0000");
            values.put("SQL in a UUID", "1' or '1'='1");
            values.put("1000-character UUID", "f".repeat(1000));
        }
        else if ("integer".equals(type)) {
            values.put("negative", "-1");
            values.put("not a number", "abc");
            values.put("beyond 64 bits", "99999999999999999999");
        }
        else if (schema.has("enum")) {
            values.put("unknown enum value", "NOT_A_VALUE");
            values.put("enum value with a NUL byte", "TESTING\u0000");
        }
        else if ("cursor".equals(name)) {
            values.put("cursor not base64", "!!!not-a-cursor!!!");
            values.put("cursor of valid base64 but foreign content", "eyJ4IjoxfQ");
            values.put("cursor of 10 KB", "A".repeat(10_000));
        }
        else if ("label".equals(name)) {
            values.put("label selector without a key", "=value");
            values.put("label selector with two equals", "a=b=c");
            values.put("label selector with a 300-character key", "k".repeat(300) + "=v");
            values.put("label selector with a space in the key", "bad key=v");
        }
        else if ("sort".equals(name)) {
            values.put("unknown sort field", "nope,desc");
            values.put("sort with a bad direction", "name,sideways");
        }
        else if ("If-Match".equalsIgnoreCase(name)) {
            values.put("malformed ETag", "garbage");
        }
        return values;
    }

    private static List<Case> bodies(Operation operation, String path) {
        List<Case> cases = new ArrayList<>();
        String method = operation.method();
        JsonNode schema = operation.bodySchema();
        cases.add(json("empty body", method, path, ""));
        cases.add(json("truncated JSON", method, path, "{\"a\":"));
        cases.add(json("array instead of object", method, path, "[]"));
        cases.add(json("string instead of object", method, path, "\"text\""));
        cases.add(json("number instead of object", method, path, "42"));
        cases.add(json("JSON nested 10,000 deep", method, path, "[".repeat(10_000) + "]".repeat(10_000)));
        cases.add(json("object nested 10,000 deep", method, path, "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
        cases.add(new Case("wrong content type text/plain", method, path, "text/plain", bytes("{}"), Map.of()));
        cases.add(new Case("wrong content type application/xml", method, path, "application/xml", bytes("<a/>"),
                Map.of()));
        cases.add(new Case("invalid UTF-8", method, path, "application/json",
                new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}' },
                Map.of()));
        JsonNode properties = schema.path("properties");
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(name -> required.add(name.asString()));
        if (!properties.isObject() || properties.isEmpty()) {
            return cases;
        }
        ObjectNode minimal = minimal(operation, schema);
        for (String field : required) {
            ObjectNode missing = minimal.deepCopy();
            missing.remove(field);
            cases.add(json("required " + field + " missing", method, path, missing.toString()));
        }
        if (!required.isEmpty()) {
            ObjectNode extra = minimal.deepCopy();
            extra.remove(required.getFirst());
            extra.put("unexpectedField", "x");
            extra.putObject("__proto__").put("admin", true);
            cases.add(json("extra fields (and " + required.getFirst() + " missing)", method, path, extra.toString()));
            String first = required.getFirst();
            cases.add(json("duplicate key " + first, method, path,
                    "{\"" + first + "\":" + minimal.path(first) + ",\"" + first + "\":" + minimal.path(first) + "}"));
        }
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String name = property.getKey();
            JsonNode field = operation.resolve(property.getValue());
            String type = type(field);
            ObjectNode wrong = minimal.deepCopy();
            switch (type) {
                case "string" -> wrong.putArray(name).add(1);
                case "integer", "number" -> wrong.put(name, "not a number");
                case "boolean" -> wrong.put(name, "maybe");
                case "array" -> wrong.put(name, "not an array");
                default -> wrong.put(name, 12);
            }
            cases.add(json("wrong type for " + name, method, path, wrong.toString()));
            if ("string".equals(type) && !field.has("enum")) {
                ObjectNode huge = minimal.deepCopy();
                huge.put(name, MEGABYTE);
                cases.add(json("1 MB string in " + name, method, path, huge.toString()));
                ObjectNode nul = minimal.deepCopy();
                nul.put(name, "a\u0000b");
                cases.add(json("NUL byte in " + name, method, path, nul.toString()));
            }
            if (field.has("enum")) {
                ObjectNode unknown = minimal.deepCopy();
                unknown.put(name, "NOT_A_VALUE");
                cases.add(json("unknown enum value for " + name, method, path, unknown.toString()));
            }
            if ("integer".equals(type) || "number".equals(type)) {
                cases.add(json("number beyond 64 bits in " + name, method, path,
                        minimal.deepCopy().put(name, new java.math.BigInteger("99999999999999999999999")).toString()));
                ObjectNode without = minimal.deepCopy();
                without.remove(name);
                String rest = without.toString();
                cases.add(json("number 1e400 in " + name, method, path, rest.substring(0, rest.length() - 1)
                        + (without.isEmpty() ? "" : ",") + "\"" + name + "\":1e400}"));
            }
        }
        return cases;
    }

    /**
     * A body with every required field at a valid-looking value from its schema (example,
     * first enum value, a type default); the cases then break exactly one thing in it.
     */
    static ObjectNode minimal(Operation operation, JsonNode schema) {
        ObjectNode body = OpenApiOperations.JSON.createObjectNode();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(name -> required.add(name.asString()));
        for (String name : required) {
            JsonNode field = operation.resolve(schema.path("properties").path(name));
            if (field.has("example")) {
                body.set(name, field.get("example"));
            }
            else if (field.has("enum")) {
                body.set(name, field.get("enum").get(0));
            }
            else {
                switch (type(field)) {
                    case "integer", "number" -> body.put(name, Math.max(1, field.path("minimum").asInt(1)));
                    case "boolean" -> body.put(name, true);
                    case "array" -> body.putArray(name);
                    case "object" -> body.set(name, minimal(operation, field));
                    default -> body.put(name,
                            "uuid".equals(field.path("format").asString()) ? UUID.randomUUID().toString()
                                    : "email".equals(field.path("format").asString()) ? "bad-input@example.com"
                                            : "bad-input-" + UUID.randomUUID().toString().substring(0, 8));
                }
            }
        }
        return body;
    }

    static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode each : type) {
                if (!"null".equals(each.asString())) {
                    return each.asString();
                }
            }
        }
        return type.asString(schema.has("properties") ? "object" : "string");
    }

    private static Case json(String name, String method, String path, String body) {
        return new Case(name, method, path, "application/json", bytes(body), Map.of());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String expand(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replace("{" + value.getKey() + "}", encode(value.getValue()));
        }
        return path;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
