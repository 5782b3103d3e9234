package dev.edp.platform.client;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service token source against a real HTTP token endpoint (a stub; the real Keycloak
 * client is exercised in keycloak-runner's and system-tests' integration tests).
 */
class ClientCredentialsTokenSourceTests {

    private static final String TOKEN_PATH = "/realms/edp/protocol/openid-connect/token";

    private final StubBackend keycloak = StubBackend.start();

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));

    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @AfterEach
    void stop() {
        keycloak.close();
    }

    private ClientCredentialsTokenSource source(String secret) {
        return new ClientCredentialsTokenSource(URI.create(keycloak.url() + TOKEN_PATH), "edp-services", secret, clock);
    }

    @Test
    void postsTheClientCredentialsGrantAndKeepsTheTokenUntilShortlyBeforeItExpires() {
        keycloak.script(TOKEN_PATH,
                new StubBackend.Answer(200, "application/json", "{\"access_token\":\"first\",\"expires_in\":300}", 0),
                new StubBackend.Answer(200, "application/json", "{\"access_token\":\"second\",\"expires_in\":300}", 0));
        ClientCredentialsTokenSource tokens = source("s3cret&x");

        assertThat(tokens.accessToken()).isEqualTo("first");
        now.set(now.get().plusSeconds(260));
        assertThat(tokens.accessToken()).as("still more than 30 s left").isEqualTo("first");
        assertThat(keycloak.calls(TOKEN_PATH)).isEqualTo(1);
        now.set(now.get().plusSeconds(20));
        assertThat(tokens.accessToken()).as("within 30 s of expiry: renewed").isEqualTo("second");

        StubBackend.Received request = keycloak.received().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.body())
            .isEqualTo("grant_type=client_credentials&client_id=edp-services&client_secret=s3cret%26x");
    }

    @Test
    void anInvalidatedTokenIsFetchedAgainBeforeItExpires() {
        keycloak.script(TOKEN_PATH,
                new StubBackend.Answer(200, "application/json", "{\"access_token\":\"first\",\"expires_in\":300}", 0),
                new StubBackend.Answer(200, "application/json", "{\"access_token\":\"second\",\"expires_in\":300}", 0));
        ClientCredentialsTokenSource tokens = source("s3cret");
        assertThat(tokens.accessToken()).isEqualTo("first");

        tokens.invalidate();

        assertThat(tokens.accessToken()).isEqualTo("second");
        assertThat(tokens.accessToken()).as("kept again").isEqualTo("second");
        assertThat(keycloak.calls(TOKEN_PATH)).isEqualTo(2);
    }

    @Test
    void aRefusedOrUnreachableTokenEndpointIsAServiceCallFailureWithoutTheSecret() {
        keycloak.script(TOKEN_PATH,
                new StubBackend.Answer(401, "application/json", "{\"error\":\"unauthorized_client\"}", 0));
        assertThatThrownBy(() -> source("wrong-secret").accessToken()).isInstanceOf(ServiceCallException.class)
            .hasMessageContaining("answered 401")
            .hasMessageNotContaining("wrong-secret");

        ClientCredentialsTokenSource unreachable = new ClientCredentialsTokenSource(
                URI.create("http://127.0.0.1:" + StubBackend.closedPort() + TOKEN_PATH), "edp-services", "x", clock);
        assertThatThrownBy(unreachable::accessToken).isInstanceOf(ServiceCallException.class)
            .hasMessageContaining("cannot be reached");
    }

    @Test
    void withoutASecretNoRequestIsMade() {
        assertThatThrownBy(() -> source("").accessToken()).isInstanceOf(ServiceCallException.class)
            .hasMessageContaining("EDP_SERVICES_CLIENT_SECRET");
        assertThat(keycloak.received()).isEmpty();
    }

}
