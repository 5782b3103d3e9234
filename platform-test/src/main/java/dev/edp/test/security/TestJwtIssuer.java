package dev.edp.test.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Mints access tokens shaped like the EDP Keycloak realm's (realm roles,
 * {@code customer_id}, {@code aud} with {@value #AUDIENCE}, {@code typ} {@code Bearer}),
 * signed with an RSA key made for this test JVM. Services under test verify them for
 * real, with their own decoder and token rules around this key and issuer (see
 * {@link WithTestJwtIssuer}). Tests that need the real Keycloak live in system-tests.
 */
public final class TestJwtIssuer {

    /** The issuer of test tokens. */
    public static final String ISSUER = "https://issuer.test.edp.dev/realms/edp";

    /**
     * The audience of test tokens: the one the realm's EDP clients put into access
     * tokens.
     */
    public static final String AUDIENCE = "edp-api";

    private static final KeyPair KEY = generate();

    private static final KeyPair OTHER_KEY = generate();

    private static Path publicKeyFile;

    /**
     * Lifetime of the valid tokens: longer than any test JVM runs. Test classes keep
     * tokens in static fields that other classes of the same JVM reuse; with 5 minutes, a
     * suite on a loaded machine outlived them and got 401s. Tests of expiry use
     * {@link #tokenExpiringAt} and {@link #expiredToken}.
     */
    private static final Duration LIFETIME = Duration.ofHours(3);

    private TestJwtIssuer() {
    }

    /**
     * A valid token.
     * @param username the user name
     * @param customer the customer id claim, or null for none
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String token(String username, UUID customer, String... roles) {
        return sign(KEY, ISSUER, username, customer, Instant.now().plus(LIFETIME), roles);
    }

    /**
     * A valid token that expires at a chosen moment (tests of what ends with the token).
     * @param username the user name
     * @param customer the customer id claim, or null for none
     * @param expiry when it expires
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String tokenExpiringAt(String username, UUID customer, Instant expiry, String... roles) {
        return sign(KEY, ISSUER, username, customer, expiry, roles);
    }

    /**
     * A token of the platform's own service client: role {@code platform-service}, no
     * customer.
     * @return the compact JWT
     */
    public static String serviceToken() {
        return token("service-account-edp-services", null, "platform-service");
    }

    /**
     * A token that expired ten minutes ago.
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String expiredToken(String username, UUID customer, String... roles) {
        return sign(KEY, ISSUER, username, customer, Instant.now().minus(Duration.ofMinutes(10)), roles);
    }

    /**
     * A token signed with a key the services do not trust.
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String forgedToken(String username, UUID customer, String... roles) {
        return sign(OTHER_KEY, ISSUER, username, customer, Instant.now().plus(LIFETIME), roles);
    }

    /**
     * A correctly signed token from another issuer.
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String foreignIssuerToken(String username, UUID customer, String... roles) {
        return sign(KEY, "https://elsewhere.example/realms/edp", username, customer, Instant.now().plus(LIFETIME),
                roles);
    }

    /**
     * A correctly signed token of the test issuer without an {@code aud} claim, as
     * Keycloak issues to a realm client that lacks the EDP audience mapper.
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String tokenWithoutAudience(String username, UUID customer, String... roles) {
        return sign(KEY, ISSUER, username, customer, Instant.now().plus(LIFETIME),
                claims -> claims.audience((List<String>) null), roles);
    }

    /**
     * A correctly signed token of the test issuer for another audience only.
     * @param audience the audience, e.g. another client of the realm
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String tokenForAudience(String audience, String username, UUID customer, String... roles) {
        return sign(KEY, ISSUER, username, customer, Instant.now().plus(LIFETIME), claims -> claims.audience(audience),
                roles);
    }

    /**
     * A correctly signed token of the test issuer with another Keycloak token type, e.g.
     * {@code ID} or {@code Refresh}, carrying the EDP audience like an access token.
     * @param type the {@code typ} claim
     * @param username the user name
     * @param customer the customer id claim
     * @param roles realm roles
     * @return the compact JWT
     */
    public static String tokenOfType(String type, String username, UUID customer, String... roles) {
        return sign(KEY, ISSUER, username, customer, Instant.now().plus(LIFETIME), claims -> claims.claim("typ", type),
                roles);
    }

    /**
     * Where the test issuer's public key is, as a PEM file written once per test JVM: the
     * value for {@code spring.security.oauth2.resourceserver.jwt.public-key-location}, so
     * a service under test builds its own decoder (with its own token rules) around the
     * test key.
     * @return a {@code file:} URL
     */
    public static synchronized String publicKeyLocation() {
        if (publicKeyFile == null) {
            try {
                Path file = Files.createTempFile("edp-test-issuer-", ".pem");
                file.toFile().deleteOnExit();
                Files.writeString(file,
                        "-----BEGIN PUBLIC KEY-----\n"
                                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                    .encodeToString(KEY.getPublic().getEncoded())
                                + "\n-----END PUBLIC KEY-----\n");
                publicKeyFile = file;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return publicKeyFile.toUri().toString();
    }

    /**
     * @return a decoder that trusts exactly the test issuer's key and issuer
     */
    public static JwtDecoder jwtDecoder() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic()).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(ISSUER));
        return decoder;
    }

    /**
     * @return the reactive counterpart of {@link #jwtDecoder()}
     */
    public static ReactiveJwtDecoder reactiveJwtDecoder() {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic())
            .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(ISSUER));
        return decoder;
    }

    private static String sign(KeyPair key, String issuer, String username, UUID customer, Instant expiry,
            String... roles) {
        return sign(key, issuer, username, customer, expiry, claims -> {
        }, roles);
    }

    private static String sign(KeyPair key, String issuer, String username, UUID customer, Instant expiry,
            Consumer<JWTClaimsSet.Builder> adjust, String... roles) {
        return sign(key, "test", issuer, username, customer, expiry, adjust, roles);
    }

    /**
     * A token shaped like the realm's, signed with any key ({@link TestRealm}'s).
     * @param key the signing key
     * @param keyId the {@code kid} header
     * @param issuer the issuer claim
     * @param username the user name
     * @param customer the customer id claim, or null for none
     * @param expiry the expiry
     * @param adjust changes to the claims
     * @param roles realm roles
     * @return the compact JWT
     */
    static String sign(KeyPair key, String keyId, String issuer, String username, UUID customer, Instant expiry,
            Consumer<JWTClaimsSet.Builder> adjust, String... roles) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
            .subject(UUID.nameUUIDFromBytes(username.getBytes()).toString())
            .audience(List.of(AUDIENCE, "account"))
            .claim("typ", "Bearer")
            .claim("preferred_username", username)
            .claim("realm_access", Map.of("roles", List.of(roles)))
            .issueTime(Date.from(min(Instant.now(), expiry.minus(Duration.ofMinutes(5)))))
            .expirationTime(Date.from(expiry))
            .jwtID(UUID.randomUUID().toString());
        if (customer != null) {
            claims.claim("customer_id", customer.toString());
        }
        adjust.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
                    claims.build());
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
            return jwt.serialize();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
