package dev.edp.monitoring.support;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.monitoring.MonitoringApplication;
import dev.edp.test.device.TestE3;
import dev.edp.test.postgres.TestPostgres;
import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Plays E3 for the tests ({@link TestE3}, one per test JVM): device credentials signed
 * with its key and request proofs made with monitoring's request key, exactly as E3 makes
 * them.
 */
public final class Devices {

    /** The stand-in. */
    public static final TestE3 E3 = TestE3.shared();

    private Devices() {
    }

    /**
     * The command-line arguments that point a service started by hand at the stand-in:
     * its keys, and a token endpoint for the service token the request keys need.
     * @return {@code --name=value} arguments
     */
    public static String[] arguments() {
        return new String[] { "--edp.device.jwks-uri=" + E3.jwksUri(),
                "--edp.device.proof-keys-uri=" + E3.proofKeysUri(), "--edp.service-client.token-uri=" + E3.tokenUri(),
                "--edp.service-client.client-secret=test" };
    }

    /**
     * @param device device id
     * @param customer its customer
     * @param method request method
     * @param path request path
     * @return the headers E3 adds to that request of the device
     */
    public static Map<String, String> headers(UUID device, UUID customer, String method, String path) {
        return headers(device, customer, method, path, null);
    }

    /**
     * @param device device id
     * @param customer its customer
     * @param method request method
     * @param path request path
     * @param certificateNotAfter the device certificate's end of validity E3 reports
     * ({@code cert_exp}), or null
     * @return the headers E3 adds to that request of the device
     */
    public static Map<String, String> headers(UUID device, UUID customer, String method, String path,
            Instant certificateNotAfter) {
        return E3.deviceHeaders(new TestE3.Device(device, customer, "0a1b", certificateNotAfter), "monitoring", method,
                path, null);
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
                headers(device, customer, "POST", path));
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
                headers(device, customer, "POST", path, certificateNotAfter));
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

    /**
     * Points the service under test at the stand-in's keys. Same class for every test, so
     * contexts stay shared.
     */
    public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues
                .of("edp.device.jwks-uri=" + E3.jwksUri(), "edp.device.proof-keys-uri=" + E3.proofKeysUri())
                .applyTo(context);
        }

    }

    /**
     * Starts a monitoring of its own (not the shared test context's): on the database
     * given, free ports, no discovery, the test E3's keys. Command-line arguments outrank
     * the starter's defaults, as they would in production.
     * @param database its database
     * @param clientSecret its service client secret
     * @param more further arguments ({@code --name=value})
     * @return the running application
     */
    public static ConfigurableApplicationContext startMonitoring(TestPostgres.Database database, String clientSecret,
            String... more) {
        List<String> arguments = new ArrayList<>(List.of("--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(), "--server.port=0", "--management.server.port=0",
                "--eureka.client.enabled=false", "--spring.cloud.discovery.enabled=false",
                "--edp.device.jwks-uri=" + E3.jwksUri(), "--edp.device.proof-keys-uri=" + E3.proofKeysUri(),
                "--edp.service-client.token-uri=" + E3.tokenUri(), "--edp.service-client.client-secret=" + clientSecret,
                "--edp.monitoring.notifications.secrets-key=dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0cy1rZXktMzI="));
        arguments.addAll(List.of(more));
        return new SpringApplicationBuilder(MonitoringApplication.class).run(arguments.toArray(String[]::new));
    }

}
