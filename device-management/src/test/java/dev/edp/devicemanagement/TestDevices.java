package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.edp.platform.device.DeviceAssertionVerifier;
import dev.edp.test.http.StubBackend;
import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Plays E3 for device requests: one EC key per test JVM whose JWKS a {@link StubBackend} serves,
 * and signed device assertions bound to each request, as E3 makes them.
 */
public final class TestDevices {

    private static final ECKey KEY;
    private static final StubBackend JWKS;

    static {
        try {
            KEY = new ECKeyGenerator(Curve.P_256).keyID("e3-test").generate();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        JWKS = StubBackend.start().script("/actuator/device-jwks",
                new StubBackend.Answer(200, "application/json", new JWKSet(KEY.toPublicJWK()).toString(), 0));
    }

    private TestDevices() {
    }

    /** Points every service context of this test JVM at the stub JWKS. */
    public static final class JwksProperty implements EnvironmentPostProcessor {
        @Override
        public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
            environment.getPropertySources().addFirst(new MapPropertySource("testDeviceJwks",
                    Map.of("edp.device.jwks-uri", JWKS.url() + "/actuator/device-jwks")));
        }
    }

    /**
     * @param device the device
     * @param customer its customer
     * @param method the request method
     * @param path the request path
     * @return E3's assertion for that request
     */
    public static String assertion(UUID device, UUID customer, String method, String path) {
        return assertion(device, customer, method, path, null);
    }

    /**
     * @param device the device
     * @param customer its customer
     * @param method the request method
     * @param path the request path
     * @param rawQuery the request's raw query string, or null
     * @return E3's assertion for that request, bound to its query ({@code htq})
     */
    public static String assertion(UUID device, UUID customer, String method, String path, String rawQuery) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("edp-e3").subject(device.toString())
                .audience("device-management").claim("customer_id", customer.toString()).claim("serial", "0a1b")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(30)))
                .claim("htm", method).claim("htp", path).claim("htq", DeviceAssertionVerifier.queryHash(rawQuery))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(KEY.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(KEY));
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }

    /**
     * GET of the desired state as the device, through "E3".
     * @param baseUrl the service's base URL
     * @param device the device
     * @param customer its customer
     * @param ifNoneMatch the ETag it has, or null
     * @param waitSeconds long-poll seconds, or 0 for no {@code wait} parameter
     * @return the response
     */
    public static HttpResponse<String> desiredState(String baseUrl, UUID device, UUID customer, String ifNoneMatch,
            int waitSeconds) {
        String path = "/devices/api/v1/device/desired-state";
        String query = waitSeconds != 0 ? "wait=" + waitSeconds : null;
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("X-EDP-Device-Assertion", assertion(device, customer, "GET", path, query));
        if (ifNoneMatch != null) {
            headers.put("If-None-Match", ifNoneMatch);
        }
        return ServiceSmokeChecks.send("GET", baseUrl + path + (query != null ? "?" + query : ""), null,
                null, null, headers);
    }

    /**
     * POST of the device's reported state, through "E3".
     * @param baseUrl the service's base URL
     * @param device the device
     * @param customer its customer
     * @param json the report
     * @return the response
     */
    public static HttpResponse<String> reportState(String baseUrl, UUID device, UUID customer, String json) {
        String path = "/devices/api/v1/device/reported-state";
        return ServiceSmokeChecks.send("POST", baseUrl + path, "application/json", json, null,
                Map.of("X-EDP-Device-Assertion", assertion(device, customer, "POST", path)));
    }
}
