package dev.edp.monitoring.support;

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
import dev.edp.test.http.StubBackend;
import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Plays E3 for the tests: one ES256 key per test JVM whose JWKS a {@link StubBackend} serves, and
 * device assertions signed with it, exactly as E3 signs them.
 */
public final class Devices {

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

    private Devices() {
    }

    /** @return the JWKS URL to give the service as {@code edp.device.jwks-uri} */
    public static String jwksUri() {
        return JWKS.url() + "/actuator/device-jwks";
    }

    /**
     * @param device device id
     * @param customer its customer
     * @param method request method
     * @param path request path
     * @return E3's assertion for that request, valid 30 s
     */
    public static String assertion(UUID device, UUID customer, String method, String path) {
        return assertion(device, customer, method, path, null);
    }

    /**
     * @param device device id
     * @param customer its customer
     * @param method request method
     * @param path request path
     * @param certificateNotAfter the device certificate's end of validity E3 reports ({@code cert_exp}), or null
     * @return E3's assertion for that request, valid 30 s
     */
    public static String assertion(UUID device, UUID customer, String method, String path,
            Instant certificateNotAfter) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer("edp-e3").subject(device.toString())
                .audience("monitoring").claim("customer_id", customer.toString()).claim("serial", "0a1b")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(30)))
                .claim("htm", method).claim("htp", path);
        if (certificateNotAfter != null) {
            builder.claim("cert_exp", certificateNotAfter.getEpochSecond());
        }
        JWTClaimsSet claims = builder.build();
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
     * Posts as a device, through "E3".
     * @param baseUrl the service's application URL
     * @param device device id
     * @param customer its customer
     * @param path request path
     * @param json body
     * @return the response
     */
    public static HttpResponse<String> post(String baseUrl, UUID device, UUID customer, String path, String json) {
        return ServiceSmokeChecks.send("POST", baseUrl + path, "application/json", json, null,
                Map.of("X-EDP-Device-Assertion", assertion(device, customer, "POST", path)));
    }

    /**
     * Posts as a device whose certificate ends at {@code certificateNotAfter}.
     * @param baseUrl the service's application URL
     * @param device device id
     * @param customer its customer
     * @param path request path
     * @param json body
     * @param certificateNotAfter end of the device certificate's validity
     * @return the response
     */
    public static HttpResponse<String> post(String baseUrl, UUID device, UUID customer, String path, String json,
            Instant certificateNotAfter) {
        return ServiceSmokeChecks.send("POST", baseUrl + path, "application/json", json, null,
                Map.of("X-EDP-Device-Assertion", assertion(device, customer, "POST", path, certificateNotAfter)));
    }

    /**
     * A valid heartbeat body.
     * @param uptime uptime seconds
     * @param containerDiskUsed bytes used on the container partition
     * @return JSON
     */
    public static String heartbeat(long uptime, long containerDiskUsed) {
        return """
                {"uptimeSeconds":%d,"agentVersion":"1.4.2","osVersion":"EdgeOS 12.3","cpuLoad":37.5,
                 "memory":{"usedBytes":1073741824,"totalBytes":4294967296},
                 "systemDisk":{"usedBytes":5000000000,"totalBytes":16000000000},
                 "containerDisk":{"usedBytes":%d,"totalBytes":35000000000},
                 "containers":{"running":3,"total":4}}""".formatted(uptime, containerDiskUsed);
    }

    /** Points the service under test at the JWKS. Same class for every test, so contexts stay shared. */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("edp.device.jwks-uri=" + jwksUri()).applyTo(context);
        }
    }
}
