package dev.edp.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Runs the real Keycloak distribution once for the class, with the EDP realm imported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakServerIntegrationTests {

    private static final String PORTAL_SECRET = Secrets.generateClientSecret();

    private static final String PORTAL_REDIRECT = "http://localhost:8080/login/oauth2/code/keycloak";

    /** Fresh for each run: the first server keeps its build here, the second takes it. */
    private static final Path AUGMENTED_BUILDS = Path.of("target/keycloak-it-builds");

    private static KeycloakServer keycloak;

    private static KeycloakAdmin admin;

    @BeforeAll
    static void startKeycloak() throws IOException {
        KeycloakDistribution.deleteRecursively(AUGMENTED_BUILDS);
        Path workDir = Path.of(System.getProperty("edp.keycloak.work-dir", "target/keycloak-it"));
        Instant started = Instant.now();
        // The portal's secret is given, the automation client's is left to the runner to
        // generate.
        keycloak = KeycloakServer.builder(workDir)
            .httpPort(0)
            // As under ./edp up: loopback only, which also proves Keycloak takes both
            // options.
            .httpHost("127.0.0.1")
            .managementHost("127.0.0.1")
            .edpRealm()
            .clientSecret(EdpRealm.PORTAL_CLIENT_ID, PORTAL_SECRET)
            .freshData(true)
            .augmentedBuilds(AUGMENTED_BUILDS)
            .build()
            .start();
        System.out.printf("Keycloak started in %d s on %s (pid %d)%n",
                Duration.between(started, Instant.now()).toSeconds(), keycloak.baseUrl(), keycloak.pid());
        admin = keycloak.admin();
    }

    @AfterAll
    static void stopKeycloak() {
        if (admin != null) {
            admin.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void realmIsImportedWithTheFourEdpRoles() {
        assertThat(admin.realmRoles(EdpRealm.NAME)).containsAll(EdpRealm.ROLES);
        assertThat(keycloak.issuerUri(EdpRealm.NAME)).hasToString(keycloak.baseUrl() + "/realms/edp");
    }

    @Test
    @Order(2)
    void realmHasBruteForceProtectionAndTheEdpSessionSettings() {
        Map<String, Object> realm = admin.realm(EdpRealm.NAME);
        assertThat(realm).containsEntry("bruteForceProtected", true)
            .containsEntry("sslRequired", "external")
            .containsEntry("registrationAllowed", false)
            .containsEntry("accessTokenLifespan", 300)
            .containsEntry("ssoSessionIdleTimeout", 1800)
            .containsEntry("ssoSessionMaxLifespan", 36000);
    }

    @Test
    @Order(3)
    void automationClientGetsClientCredentialsTokenWithCustomerIdAndOperatorRole() {
        Map<String, Object> claims = clientCredentialsClaims(EdpRealm.AUTOMATION_CLIENT_ID);
        assertThat(claims).containsEntry("customer_id", EdpRealm.AUTOMATION_CUSTOMER_ID)
            .containsEntry("iss", keycloak.issuerUri(EdpRealm.NAME).toString())
            .containsEntry("typ", "Bearer");
        assertThat(audiences(claims)).contains(EdpRealm.API_AUDIENCE);
        assertThat(realmRoles(claims)).contains(EdpRealm.ROLE_OPERATOR)
            .doesNotContain(EdpRealm.ROLE_PLATFORM_ADMIN, EdpRealm.ROLE_CUSTOMER_ADMIN);
    }

    @Test
    @Order(4)
    void clientSecretsAreTheInjectedOnesNeverThePlaceholderText() {
        assertThat(admin.client(EdpRealm.NAME, EdpRealm.PORTAL_CLIENT_ID)).containsEntry("secret", PORTAL_SECRET);
        assertThat(admin.client(EdpRealm.NAME, EdpRealm.AUTOMATION_CLIENT_ID).get("secret"))
            .isEqualTo(keycloak.clientSecret(EdpRealm.AUTOMATION_CLIENT_ID))
            .asString()
            .doesNotContain("${");
        assertThatExceptionOfType(KeycloakException.class)
            .isThrownBy(() -> OidcTokens.clientCredentials(keycloak.baseUrl(), EdpRealm.NAME,
                    EdpRealm.AUTOMATION_CLIENT_ID, "${EDP_AUTOMATION_CLIENT_SECRET}"))
            .satisfies((ex) -> assertThat(ex.status()).isEqualTo(401));
    }

    @Test
    @Order(5)
    void createdCustomerAdminLogsInAndTheTokenCarriesRoleAndCustomerId() {
        String customerId = "0b7e7c1a-4f3e-4a51-9d1e-6a2f9c3b8e10";
        String password = Secrets.generatePassword();
        admin.createUser(EdpRealm.NAME, new KeycloakAdmin.NewUser("ada", "ada@example.com", "Ada", "Lovelace", password,
                List.of(EdpRealm.ROLE_CUSTOMER_ADMIN), customerId));
        String testClientSecret = Secrets.generateClientSecret();
        admin.createPasswordGrantClient(EdpRealm.NAME, "edp-test-cli", testClientSecret);

        String token = OidcTokens.password(keycloak.baseUrl(), EdpRealm.NAME, "edp-test-cli", testClientSecret, "ada",
                password);

        Map<String, Object> claims = OidcTokens.decodePayload(token);
        assertThat(claims).containsEntry("customer_id", customerId).containsEntry("preferred_username", "ada");
        assertThat(audiences(claims)).contains(EdpRealm.API_AUDIENCE);
        assertThat(realmRoles(claims)).contains(EdpRealm.ROLE_CUSTOMER_ADMIN).doesNotContain(EdpRealm.ROLE_OPERATOR);
        assertThat(admin.findUser(EdpRealm.NAME, "ada")).get()
            .extracting((user) -> user.get("attributes"))
            .isEqualTo(Map.of("customer_id", List.of(customerId)));
    }

    @Test
    @Order(6)
    void portalClientRefusesThePasswordGrant() {
        assertThatExceptionOfType(KeycloakException.class)
            .isThrownBy(() -> OidcTokens.password(keycloak.baseUrl(), EdpRealm.NAME, EdpRealm.PORTAL_CLIENT_ID,
                    PORTAL_SECRET, "ada", "irrelevant"))
            .satisfies((ex) -> assertThat(ex.body()).contains("unauthorized_client"));
    }

    @Test
    @Order(7)
    void portalLoginIsAuthorizationCodeWithPkceAndTheTokenCarriesCustomerId() throws Exception {
        String password = Secrets.generatePassword();
        String customerId = "3c9a1f0e-7b2d-4e8a-b5c6-1d2e3f4a5b6c";
        admin.createUser(EdpRealm.NAME, new KeycloakAdmin.NewUser("grace", "grace@example.com", "Grace", "Hopper",
                password, List.of(EdpRealm.ROLE_VIEWER), customerId));
        try (HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            URI authorize = URI.create(keycloak.issuerUri(EdpRealm.NAME) + "/protocol/openid-connect/auth"
                    + "?response_type=code&client_id=edp-portal&scope=openid&state=s1&redirect_uri="
                    + Http.encode(PORTAL_REDIRECT));

            HttpResponse<String> withoutPkce = browser.send(HttpRequest.newBuilder(authorize).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withoutPkce.headers().firstValue("Location")).get()
                .asString()
                .startsWith(PORTAL_REDIRECT)
                .contains("error=invalid_request");

            String verifier = base64Url(randomBytes());
            String challenge = base64Url(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            HttpResponse<String> loginPage = browser.send(HttpRequest
                .newBuilder(URI.create(authorize + "&code_challenge_method=S256&code_challenge=" + challenge))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(loginPage.statusCode()).isEqualTo(200);
            Matcher action = Pattern.compile("action=\"([^\"]*login-actions/authenticate[^\"]*)\"")
                .matcher(loginPage.body());
            assertThat(action.find()).as("login form in %s", loginPage.body()).isTrue();

            HttpResponse<String> loggedIn = browser
                .send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookies(loginPage))
                    .POST(Http.form(Map.of("username", "grace", "password", password)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(loggedIn.statusCode()).as("login answer: %s", loggedIn.body()).isEqualTo(302);
            String callback = loggedIn.headers().firstValue("Location").orElseThrow();
            assertThat(callback).startsWith(PORTAL_REDIRECT).contains("state=s1");
            Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(callback);
            assertThat(code.find()).isTrue();

            Map<String, String> exchange = new LinkedHashMap<>();
            exchange.put("grant_type", "authorization_code");
            exchange.put("code", code.group(1));
            exchange.put("redirect_uri", PORTAL_REDIRECT);
            exchange.put("client_id", EdpRealm.PORTAL_CLIENT_ID);
            exchange.put("client_secret", PORTAL_SECRET);
            exchange.put("code_verifier", verifier);
            Map<String, Object> tokens = OidcTokens
                .tokenResponse(OidcTokens.tokenEndpoint(keycloak.baseUrl(), EdpRealm.NAME), exchange, "Code exchange");

            Map<String, Object> claims = OidcTokens.decodePayload((String) tokens.get("access_token"));
            assertThat(claims).containsEntry("customer_id", customerId)
                .containsEntry("azp", "edp-portal")
                .containsEntry("typ", "Bearer");
            assertThat(audiences(claims)).contains(EdpRealm.API_AUDIENCE);
            assertThat(realmRoles(claims)).contains(EdpRealm.ROLE_VIEWER);
            // The ID token is for the portal alone: the services refuse it by its typ and
            // audience.
            Map<String, Object> idToken = OidcTokens.decodePayload((String) tokens.get("id_token"));
            assertThat(idToken).containsEntry("typ", "ID");
            assertThat(audiences(idToken)).doesNotContain(EdpRealm.API_AUDIENCE);
            Map<String, Object> refreshToken = OidcTokens.decodePayload((String) tokens.get("refresh_token"));
            assertThat(refreshToken).containsEntry("typ", "Refresh");
            // The realm's 5-minute access tokens; expires_in is counted from the answer,
            // so a second may already have passed.
            assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
                .isEqualTo(300);
            assertThat(((Number) tokens.get("expires_in")).intValue()).isBetween(295, 300);
            assertThat(tokens).containsKey("id_token");
        }
    }

    @Test
    @Order(8)
    void servicesClientGetsATokenWithOnlyThePlatformServiceRoleAndNoCustomer() {
        Map<String, Object> claims = clientCredentialsClaims(EdpRealm.SERVICES_CLIENT_ID);
        assertThat(claims).doesNotContainKey("customer_id");
        assertThat(audiences(claims)).contains(EdpRealm.API_AUDIENCE);
        assertThat(realmRoles(claims)).contains(EdpRealm.ROLE_PLATFORM_SERVICE)
            .doesNotContain(EdpRealm.ROLE_PLATFORM_ADMIN, EdpRealm.ROLE_CUSTOMER_ADMIN, EdpRealm.ROLE_OPERATOR,
                    EdpRealm.ROLE_VIEWER);
        assertThat(admin.ensureServiceClient(EdpRealm.NAME, EdpRealm.SERVICES_CLIENT_ID, "unused",
                EdpRealm.ROLE_PLATFORM_SERVICE))
            .as("an imported realm already has the client")
            .isFalse();
    }

    @Test
    @Order(9)
    void aServiceClientMissingFromAnOlderRealmIsAddedWithItsRole() {
        assertThat(admin.ensureServiceClient(EdpRealm.NAME, "edp-added-later", "s3cret-added-later",
                EdpRealm.ROLE_PLATFORM_SERVICE))
            .isTrue();

        String token = OidcTokens.clientCredentials(keycloak.baseUrl(), EdpRealm.NAME, "edp-added-later",
                "s3cret-added-later");
        assertThat(realmRoles(OidcTokens.decodePayload(token))).contains(EdpRealm.ROLE_PLATFORM_SERVICE);
        assertThat(admin.ensureServiceClient(EdpRealm.NAME, "edp-added-later", "s3cret-added-later",
                EdpRealm.ROLE_PLATFORM_SERVICE))
            .isFalse();
    }

    @Test
    @Order(10)
    void aClientOfAnOlderRealmGetsTheApiAudienceOnceAndTheImportedOnesAlreadyHaveIt() {
        // A client created without the mapper, as the EDP clients were in realms imported
        // before it.
        admin.ensureServiceClient(EdpRealm.NAME, "edp-older-client", "s3cret-older", EdpRealm.ROLE_PLATFORM_SERVICE);
        assertThat(audiences(OidcTokens.decodePayload(
                OidcTokens.clientCredentials(keycloak.baseUrl(), EdpRealm.NAME, "edp-older-client", "s3cret-older"))))
            .doesNotContain(EdpRealm.API_AUDIENCE);

        assertThat(admin.ensureAudience(EdpRealm.NAME, "edp-older-client", EdpRealm.API_AUDIENCE)).isTrue();

        assertThat(audiences(OidcTokens.decodePayload(
                OidcTokens.clientCredentials(keycloak.baseUrl(), EdpRealm.NAME, "edp-older-client", "s3cret-older"))))
            .contains(EdpRealm.API_AUDIENCE);
        assertThat(admin.ensureAudience(EdpRealm.NAME, "edp-older-client", EdpRealm.API_AUDIENCE)).isFalse();
        for (String client : EdpRealm.API_CLIENTS) {
            assertThat(admin.ensureAudience(EdpRealm.NAME, client, EdpRealm.API_AUDIENCE)).as(client).isFalse();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aFreshCopyOfTheDistributionStartsFromTheKeptBuildWithoutAugmenting() throws IOException {
        Path workDir = Path.of("target/keycloak-it-second");
        KeycloakDistribution.deleteRecursively(workDir);
        Path quarkus = Path.of("lib/quarkus");

        try (KeycloakServer second = KeycloakServer.builder(workDir)
            .httpPort(0)
            .httpHost("127.0.0.1")
            .managementHost("127.0.0.1")
            .augmentedBuilds(AUGMENTED_BUILDS)
            .build()
            .start()) {
            // kc.sh prints this before it augments.
            assertThat(second.logFile()).content().doesNotContain("Updating the configuration");
            try (Stream<Path> files = Files.list(keycloak.home().resolve(quarkus))) {
                assertThat(files.toList()).isNotEmpty()
                    .allSatisfy((file) -> assertThat(second.home().resolve(quarkus).resolve(file.getFileName()))
                        .hasSameBinaryContentAs(file));
            }
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stoppingLeavesNoKeycloakProcess() {
        ProcessHandle root = keycloak.processHandle();
        List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();
        assertThat(tree).as("a Keycloak JVM runs")
            .anySatisfy((process) -> assertThat(process.info().command()).get().asString().endsWith("/bin/java"));
        String home = keycloak.home().toString();

        keycloak.stop();

        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.allProcesses()
            .filter((process) -> process.info().commandLine().orElse("").contains(home))
            .toList()).isEmpty();
        assertThat(keycloak.isRunning()).isFalse();
    }

    // Keycloak marks its login cookies Secure even on http://localhost, which browsers
    // accept and java.net.CookieManager does not: hand them back like a browser would.
    private static String cookies(HttpResponse<?> response) {
        return response.headers()
            .allValues("Set-Cookie")
            .stream()
            .map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
            .collect(Collectors.joining("; "));
    }

    /** {@code aud} is a string when it names one audience, an array otherwise. */
    /**
     * @return the claims of a client credentials token of the realm's client, with the
     * secret the runner set
     */
    private static Map<String, Object> clientCredentialsClaims(String clientId) {
        return OidcTokens.decodePayload(OidcTokens.clientCredentials(keycloak.baseUrl(), EdpRealm.NAME, clientId,
                keycloak.clientSecret(clientId)));
    }

    private static List<Object> audiences(Map<String, Object> claims) {
        Object audience = claims.get("aud");
        if (audience == null) {
            return List.of();
        }
        return (audience instanceof List<?> list) ? List.copyOf(list) : List.of(audience);
    }

    @SuppressWarnings("unchecked")
    private static List<String> realmRoles(Map<String, Object> claims) {
        return (List<String>) ((Map<String, Object>) claims.get("realm_access")).get("roles");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

}
