package dev.edp.platform.security;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keycloak down: the realm's keys were fetched once from its JWKS endpoint (a real HTTP
 * server here), so access tokens signed with them keep being accepted after the endpoint
 * is gone, on both web stacks; a token signed with a key never seen is refused (the keys
 * cannot be fetched), which shows the endpoint is really gone.
 */
class KeycloakDownTests {

    HttpServer keycloak;

    final AtomicInteger fetches = new AtomicInteger();

    RSAKey realmKey;

    String issuer;

    @BeforeEach
    void start() throws Exception {
        realmKey = new RSAKeyGenerator(2048).keyID("realm-key").generate();
        byte[] jwks = new JWKSet(realmKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        keycloak = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keycloak.createContext("/realms/edp/protocol/openid-connect/certs", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        keycloak.start();
        issuer = "http://127.0.0.1:" + keycloak.getAddress().getPort() + "/realms/edp";
    }

    @AfterEach
    void stop() {
        keycloak.stop(0);
    }

    EdpJwtDecoders.Rules rules() {
        return new EdpJwtDecoders.Rules(issuer, Duration.ofSeconds(10), List.of(EdpJwtDecoders.DEFAULT_AUDIENCE), null);
    }

    String token(RSAKey key, String username) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer)
            .subject(username)
            .audience(EdpJwtDecoders.DEFAULT_AUDIENCE)
            .claim("typ", EdpJwtDecoders.ACCESS_TOKEN_TYPE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void servletServicesKeepAcceptingTokensOfKnownKeysWhileKeycloakIsDown() throws Exception {
        JwtDecoder decoder = EdpJwtDecoders.servlet(rules());
        assertThat(decoder.decode(token(realmKey, "alice")).getSubject()).isEqualTo("alice");
        assertThat(fetches).hasValue(1);

        keycloak.stop(0);

        assertThat(decoder.decode(token(realmKey, "alice")).getSubject()).isEqualTo("alice");
        assertThat(decoder.decode(token(realmKey, "bob")).getSubject()).isEqualTo("bob");
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("rotated-key").generate();
        assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(token(unknown, "eve")));
    }

    @Test
    void theGatewayKeepsAcceptingTokensOfKnownKeysWhileKeycloakIsDown() throws Exception {
        ReactiveJwtDecoder decoder = EdpJwtDecoders.reactive(rules());
        assertThat(decoder.decode(token(realmKey, "alice")).block(Duration.ofSeconds(30)).getSubject())
            .isEqualTo("alice");
        assertThat(fetches).hasValue(1);

        keycloak.stop(0);

        assertThat(decoder.decode(token(realmKey, "bob")).block(Duration.ofSeconds(30)).getSubject()).isEqualTo("bob");
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("rotated-key").generate();
        String forged = token(unknown, "eve");
        // Spring's reactive decoder reports the unreachable JWKS endpoint as an
        // IllegalStateException.
        assertThatThrownBy(() -> decoder.decode(forged).block(Duration.ofSeconds(30)))
            .hasMessageContaining("Could not obtain the keys");
    }

}
