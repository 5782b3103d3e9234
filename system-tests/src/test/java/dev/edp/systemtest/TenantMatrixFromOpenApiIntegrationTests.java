package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.E3Trust;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import dev.edp.systemtest.OpenApiOperations.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant isolation matrix, generated from the OpenAPI documents of the running
 * platform: every operator operation x every role (viewer, operator, customer-admin of
 * two customers, the platform admin, the {@code edp-automation} service account, an
 * operator of its own customer) x the id of the caller's own resource / another
 * customer's / a random one. The expectations come from rules, not a table: a role below
 * the operation's {@code x-edp-required-role} gets 403; another customer's resource
 * answers exactly as a missing one (same status, same code); the caller's own resource is
 * found (2xx; reads only, so the matrix changes nothing it depends on). Resources are
 * created per customer by POSTing the operation's collection with a minimal body built
 * from the schema ({@link BadInputCases#minimal}); {@link #OVERRIDES} names the few ids
 * that cannot be created that way, and {@link #seed} makes those whose bodies refer to
 * other resources or states (a release of the customer's application, a rollout and a
 * promotion of its release, a notification channel, a move request, a device enrolled
 * through E3 that reported and fell silent with its certificate and offline alert), so
 * that every operation with an id is tried with another customer's real id, not only a
 * random one.
 */
@ExtendWith(RunningPlatform.class)
// In the default build; the tag names both generated suites, which run alone with
// -Dtest='*FromOpenApi*' (docs/resilience.md, "Generated suites: in the default build").
@Tag("generated-suites")
class TenantMatrixFromOpenApiIntegrationTests {

    /**
     * viewer < operator < customer-admin < platform-admin; any valid token passes
     * "authenticated".
     */
    static final List<String> RANKS = List.of("authenticated", "viewer", "operator", "customer-admin",
            "platform-admin");

    /**
     * Path parameters whose resource is not made by POSTing a collection: the customer
     * itself (its collection is the platform admin's).
     */
    static final Map<String, String> OVERRIDES = Map.of("/customers/{id}", "the customer's own id",
            "/customers/{customerId}", "the customer's own id");

    /** Path parameters that name no resource of a customer (every customer has them). */
    static final List<String> NOT_IDS = List.of("{environment}");

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    private static final String DEVICES = "/api/devices/v1";

    private static final String ONBOARDING = "/api/onboarding/v1";

    private static final String MONITORING = "/api/monitoring/v1";

    /** The collections {@link #seed} makes a resource of, for each customer. */
    static final List<String> SEEDED = List.of(DEVICES + "/applications", DEVICES + "/releases",
            DEVICES + "/promotions", DEVICES + "/rollouts", DEVICES + "/devices", DEVICES + "/moves",
            MONITORING + "/notification-channels", ONBOARDING + "/devices", ONBOARDING + "/certificates",
            MONITORING + "/devices", MONITORING + "/alerts");

    record Caller(String name, String role, Tenant tenant, String token) {
    }

    /** A customer and the ids of its resources, by collection path. */
    record Tenant(String customerId, Map<String, String> resources) {
    }

    static RunningPlatform platform;
    static List<Caller> callers = new ArrayList<>();
    static Tenant a;
    static Tenant b;

    @BeforeAll
    static void setUp(RunningPlatform running) throws Exception {
        platform = running;
        PlatformUsers users = new PlatformUsers(running);
        String admin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        a = new Tenant(users.createCustomer(admin, "ma-" + suffix), new LinkedHashMap<>());
        b = new Tenant(users.createCustomer(admin, "mb-" + suffix), new LinkedHashMap<>());
        for (Tenant tenant : List.of(a, b)) {
            String name = tenant == a ? "A" : "B";
            // User names are lower case ([a-z0-9][a-z0-9._@-]{2,63}).
            String login = name.toLowerCase(Locale.ROOT) + suffix;
            String cadmin = users.createUserAndLogIn(admin, tenant.customerId(), "m-ca-" + login, "customer-admin");
            callers.add(new Caller("customer-admin of " + name, "customer-admin", tenant, cadmin));
            callers.add(new Caller("operator of " + name, "operator", tenant,
                    users.createUserAndLogIn(cadmin, tenant.customerId(), "m-op-" + login, "operator")));
            callers.add(new Caller("viewer of " + name, "viewer", tenant,
                    users.createUserAndLogIn(cadmin, tenant.customerId(), "m-vw-" + login, "viewer")));
        }
        // The service account is an operator of its own customer
        // (EdpRealm.AUTOMATION_CUSTOMER_ID): customers A and B are both "another
        // customer" to it.
        callers.add(new Caller("service account edp-automation", "operator",
                new Tenant(EdpRealm.AUTOMATION_CUSTOMER_ID, Map.of()),
                OidcTokens.clientCredentials(URI.create(platform.keycloakUrl()), EdpRealm.NAME,
                        EdpRealm.AUTOMATION_CLIENT_ID, platform.secret("client.edp-automation.secret"))));
        // The platform admin has no customer of its own here; A's and B's resources are
        // all visible to it.
        callers.add(new Caller("platform-admin", "platform-admin", null, admin));
        seed(a, callers.get(0).token());
        seed(b, callers.get(3).token());
    }

    /**
     * Makes, as the customer's admin, the resources a minimal body cannot: each refers to
     * another one or needs a state (a promotion needs a release pinned to TESTING, a move
     * request a device above TESTING).
     */
    static void seed(Tenant tenant, String admin) throws Exception {
        String api = platform.gatewayUrl() + DEVICES;
        String application = Calls.createdId(send("POST", api + "/applications", "application/json",
                "{\"name\":\"matrix\",\"imageRepository\":\"registry.example.com/matrix/app\"}", admin));
        String release = Calls.release(api, admin, application, "1.0.0");
        Calls.expect(send("PUT", api + "/environments/TESTING/release", "application/json",
                "{\"releaseId\":\"" + release + "\"}", admin), 200);
        String promotion = Calls.createdId(
                send("POST", api + "/promotions", "application/json", "{\"targetEnvironment\":\"STAGING\"}", admin));
        String rollout = Calls.createdId(send("POST", api + "/rollouts", "application/json",
                "{\"releaseId\":\"" + release + "\",\"environment\":\"TESTING\",\"groups\":[{\"size\":\"100%\"}]}",
                admin));
        String device = Calls.createdId(send("POST", api + "/devices", "application/json",
                "{\"name\":\"matrix-device\",\"environment\":\"TESTING\"}", admin));
        HttpResponse<String> current = Calls.expect(send("GET", api + "/devices/" + device, null, null, admin), 200);
        Calls.expect(send("POST", api + "/devices/" + device + "/environment", "application/json",
                "{\"environment\":\"STAGING\"}", admin,
                Map.of("If-Match", current.headers().firstValue("ETag").orElseThrow())), 200);
        String move = Calls.createdId(send("POST", api + "/moves", "application/json",
                "{\"deviceId\":\"" + device + "\",\"targetEnvironment\":\"TESTING\"}", admin));
        String monitoring = platform.gatewayUrl() + MONITORING;
        String channel = Calls.createdId(send("POST", monitoring + "/notification-channels", "application/json",
                "{\"name\":\"matrix\",\"type\":\"EMAIL\",\"emails\":[\"ops@example.com\"]}", admin));
        // A device that enrolled through E3, reported and fell silent: its certificate,
        // its status and heartbeats, and the offline alert it raised.
        Calls.expect(send("PUT", monitoring + "/alert-rules", "application/json",
                "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":0}]}", admin), 200);
        HttpResponse<String> token = Calls.expect(send("POST", platform.gatewayUrl() + ONBOARDING + "/tokens",
                "application/json", "{\"deviceName\":\"matrix-enrolled\",\"environment\":\"TESTING\"}", admin), 201);
        DeviceAgent agent = DeviceAgent.onboard(URI.create(platform.e3Url()), E3Trust.fromPem(platform.e3TrustFile()),
                JsonPath.read(token.body(), "$.token"), null,
                AgentOptions.defaults()
                    .withHeartbeatInterval(Duration.ofSeconds(2))
                    .withLongPollSeconds(5)
                    .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(2)));
        try {
            agent.start();
            Await.until("the matrix device's first heartbeat", Duration.ofMinutes(2),
                    () -> agent.lastHeartbeat() != null);
        }
        finally {
            agent.stop();
        }
        String enrolled = agent.identity().deviceId().toString();
        String alert = JsonPath.read(Await.answer("the matrix device's offline alert", Duration.ofMinutes(3),
                () -> send("GET", monitoring + "/alerts?state=OPEN&type=DEVICE_OFFLINE", null, null, admin),
                body -> !JsonPath.<List<?>>read(body, "$.items").isEmpty()), "$.items[0].id");
        List<String> ids = List.of(application, release, promotion, rollout, device, move, channel, enrolled,
                agent.identity().serial(), enrolled, alert);
        for (int index = 0; index < SEEDED.size(); index++) {
            tenant.resources().put(SEEDED.get(index), ids.get(index));
        }
    }

    @Test
    void everyOperationTimesEveryRoleTimesOwnAndAnotherCustomerAnswersByTheRules() {
        List<Operation> operations = OpenApiOperations.operatorOperations(platform, callers.getFirst().token());
        String creatorA = callers.get(0).token();
        String creatorB = callers.get(3).token();
        List<String> failures = new ArrayList<>();
        int checks = 0;
        int resourceOperations = 0;
        int bodyFirst = 0;
        // Operations whose other-customer cell could only be tried with a random id.
        List<String> randomOnly = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.hasPathParameters()) {
                resourceOperations++;
            }
            int required = RANKS.indexOf(operation.requiredRole());
            assertThat(required).as(operation + " names a role the matrix knows: " + operation.requiredRole())
                .isNotNegative();
            String idOfA = resource(operation, a, creatorA);
            String idOfB = resource(operation, b, creatorB);
            if (operation.hasPathParameters() && NOT_IDS.stream().noneMatch(operation.path()::contains)
                    && (idOfA == null || idOfB == null)) {
                randomOnly.add(operation.toString());
            }
            for (Caller caller : callers) {
                checks++;
                if (RANKS.indexOf(caller.role()) < required) {
                    // A role too low: refused before anything is looked up, whatever the
                    // id.
                    HttpResponse<String> refused = call(operation, null, caller);
                    if (operation.bodyType() != null && refused.statusCode() == 400) {
                        // Spring MVC reads and validates the body before method security
                        // runs: a body the minimal generator could not make valid is
                        // refused first. Counted, not hidden.
                        bodyFirst++;
                        continue;
                    }
                    if (refused.statusCode() != 403 || !"FORBIDDEN".equals(code(refused))) {
                        failures.add(operation + " as " + caller.name() + ": expected 403 FORBIDDEN, got "
                                + refused.statusCode() + " " + code(refused));
                    }
                    continue;
                }
                if (!operation.hasPathParameters() || caller.tenant() == null) {
                    continue;
                }
                String other = caller.tenant() == a ? idOfB : idOfA;
                if (other != null) {
                    // Another customer's resource answers exactly as a missing one.
                    String missingId = UUID.randomUUID().toString();
                    HttpResponse<String> missing = call(operation, missingId, caller);
                    HttpResponse<String> foreign = call(operation, other, caller);
                    // A refusal names the id it refuses (the problem's instance), so only
                    // its status and code are compared. Only a read may answer another
                    // customer's id without a refusal (a device's certificates: another
                    // customer's device lists none, as a missing one), and then with the
                    // same body; a write must be refused.
                    boolean refused = foreign.statusCode() >= 400;
                    boolean sameRead = "get".equals(operation.method()) && foreign.body().equals(missing.body());
                    boolean same = missing.statusCode() == foreign.statusCode() && code(missing).equals(code(foreign))
                            && (refused || sameRead);
                    if (!same) {
                        failures.add("LEAK " + operation + " as " + caller.name() + ": another customer's resource "
                                + foreign.statusCode() + " " + code(foreign) + " " + abbreviated(foreign.body())
                                + ", a missing one " + missing.statusCode() + " " + code(missing) + " "
                                + abbreviated(missing.body()));
                    }
                }
                String own = caller.tenant() == a ? idOfA : caller.tenant() == b ? idOfB : null;
                boolean oneId = operation.path().indexOf('{') == operation.path().lastIndexOf('{');
                if (own != null && oneId && "get".equals(operation.method())) {
                    HttpResponse<String> found = call(operation, own, caller);
                    if (found.statusCode() / 100 != 2) {
                        failures.add(operation + " as " + caller.name() + ": own resource " + found.statusCode() + " "
                                + found.body());
                    }
                }
            }
        }
        System.out.printf(
                "Tenant matrix: %d operations (%d with an id) x %d callers = %d cells, %d failures, "
                        + "%d role refusals preceded by a 400 on the body; resources made: A %s, B %s%n",
                operations.size(), resourceOperations, callers.size(), checks, failures.size(), bodyFirst,
                a.resources(), b.resources());
        System.out.printf("Tenant matrix: %d operations with an id tried with random ids only: %s%n", randomOnly.size(),
                randomOnly);
        assertThat(failures).as("matrix cells against the rules").isEmpty();
        assertThat(randomOnly).as("operations with an id tried with random ids only").isEmpty();
    }

    /**
     * @return the id of the customer's resource the operation's (first) path parameter
     * names, made by POSTing its collection with a minimal body; null where none can be
     * made
     */
    private static String resource(Operation operation, Tenant tenant, String creator) {
        Matcher parameter = PARAMETER.matcher(operation.path());
        if (!parameter.find()) {
            return null;
        }
        String collection = operation.path().substring(0, parameter.start() - 1);
        String key = collection.substring(collection.lastIndexOf('/')) + "/" + parameter.group();
        if (OVERRIDES.containsKey(key)) {
            return key.startsWith("/customers") ? tenant.customerId() : null;
        }
        return tenant.resources().computeIfAbsent(collection, path -> {
            JsonNode post = operation.document().path("paths").path(path).path("post");
            if (post.isMissingNode()) {
                return null;
            }
            Operation create = new Operation(operation.source(), "post", path, post, operation.document());
            String body = BadInputCases.minimal(create, create.bodySchema()).toString();
            HttpResponse<String> created = send("POST", platform.gatewayUrl() + expand(path, tenant, null),
                    "application/json", body, creator);
            if (created.statusCode() != 201) {
                System.out.printf("Tenant matrix: no %s for %s (%d %s)%n", path, tenant.customerId(),
                        created.statusCode(), created.body());
                return null;
            }
            return JsonPath.read(created.body(), "$.id");
        });
    }

    /**
     * Calls the operation with its first path parameter set to id, further ones to the
     * caller's own.
     */
    private static HttpResponse<String> call(Operation operation, String id, Caller caller) {
        String path = expand(operation.path(), caller.tenant(), id);
        String body = null;
        String type = null;
        if (operation.bodyType() != null && "application/json".equals(operation.bodyType())) {
            body = BadInputCases.minimal(operation, operation.bodySchema()).toString();
            type = "application/json";
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (JsonNode parameter : operation.parameters()) {
            if ("If-Match".equalsIgnoreCase(parameter.path("name").asString())) {
                headers.put("If-Match", "\"0\"");
            }
        }
        return send(operation.method().toUpperCase(), platform.gatewayUrl() + path, type, body, caller.token(),
                headers);
    }

    private static String expand(String template, Tenant tenant, String firstId) {
        Matcher parameter = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        boolean first = true;
        while (parameter.find()) {
            String value;
            if (first && firstId != null) {
                value = firstId;
            }
            else if ("customerId".equals(parameter.group(1)) && tenant != null) {
                value = tenant.customerId();
            }
            else if ("environment".equals(parameter.group(1))) {
                value = "TESTING";
            }
            else {
                value = UUID.randomUUID().toString();
            }
            first = false;
            parameter.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(path);
        return path.toString();
    }

    private static String abbreviated(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "…";
    }

    private static String code(HttpResponse<String> response) {
        try {
            return OpenApiOperations.JSON.readTree(response.body()).path("code").asString("");
        }
        catch (RuntimeException ex) {
            return "";
        }
    }

}
