package dev.edp.test.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.edp.test.http.StubBackend;
import dev.edp.test.net.FaultProxy;

/**
 * A Keycloak realm as the services' token checks see it: a real HTTP JWKS endpoint with
 * the realm's public key, behind a {@link FaultProxy} so a test can make Keycloak go down
 * ({@link #cut()}), hang ({@link #freeze()}) and come back ({@link #restore()}), and
 * tokens signed with the realm's key. Where {@link TestJwtIssuer} gives a service a fixed
 * public key, this makes it fetch the keys over HTTP as it does from the real Keycloak.
 */
public final class TestRealm implements AutoCloseable {

    /** Keycloak's JWKS path for the realm. */
    public static final String CERTS = "/realms/edp/protocol/openid-connect/certs";

    private static final String KEY_ID = "realm-key";

    /** A key no realm published (made once: an RSA key takes a moment to make). */
    private static final KeyPair UNKNOWN_KEY = TestJwtIssuer.generate();

    private final KeyPair key = TestJwtIssuer.generate();

    private final StubBackend keycloak;

    private final FaultProxy proxy;

    private TestRealm() throws IOException {
        String jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) key.getPublic()).keyID(KEY_ID).build()).toString();
        keycloak = StubBackend.start().script(CERTS, new StubBackend.Answer(200, "application/json", jwks, 0));
        proxy = FaultProxy.start("127.0.0.1", keycloak.port());
    }

    /**
     * @return a running realm, reachable
     */
    public static TestRealm start() {
        try {
            return new TestRealm();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the realm's issuer URI, through the proxy; its JWKS endpoint is
     * {@code issuer() + "/protocol/openid-connect/certs"}
     */
    public String issuer() {
        return "http://127.0.0.1:" + proxy.port() + "/realms/edp";
    }

    /**
     * An access token of this realm for the EDP API, valid for an hour.
     * @param username the user name
     * @param customer the customer id claim, or null for none
     * @param roles realm roles
     * @return the compact JWT
     */
    public String token(String username, UUID customer, String... roles) {
        return TestJwtIssuer.sign(key, KEY_ID, issuer(), username, customer, Instant.now().plus(Duration.ofHours(1)),
                claims -> {
                }, roles);
    }

    /**
     * A token of this realm's issuer signed with a key the realm never published (a key
     * rotated in while Keycloak is unreachable, or a forgery).
     * @param username the user name
     * @return the compact JWT
     */
    public String tokenOfUnknownKey(String username) {
        return TestJwtIssuer.sign(UNKNOWN_KEY, "rotated-key", issuer(), username, null,
                Instant.now().plus(Duration.ofHours(1)), claims -> {
                });
    }

    /**
     * @return how many JWKS requests reached Keycloak
     */
    public int keysServed() {
        return keycloak.calls(CERTS);
    }

    /**
     * @return bytes clients sent towards Keycloak, also while it hangs: shows a client
     * tried to fetch the keys
     */
    public long bytesSentToKeycloak() {
        return proxy.clientBytes();
    }

    /** Keycloak is down: connections are refused. */
    public void cut() {
        proxy.cut();
    }

    /** Keycloak hangs: connections are accepted, nothing is answered. */
    public void freeze() {
        proxy.freeze();
    }

    /**
     * Keycloak answers again.
     * @throws IOException if the port cannot be bound again
     */
    public void restore() throws IOException {
        proxy.restore();
    }

    @Override
    public void close() {
        proxy.close();
        keycloak.close();
    }

}
