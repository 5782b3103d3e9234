package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Devices fetch their desired state cheaply (ETag, 304, long-poll), woken across replicas. */
@EdpServiceTest
class DesiredStateIntegrationTests {

    static ConfigurableApplicationContext replicaB;

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Environment environment;

    @AfterAll
    static void stopReplica() {
        if (replicaB != null) {
            replicaB.close();
        }
    }

    /** A second instance of the service on its own port, against the same database. */
    String replicaB() {
        if (replicaB == null) {
            replicaB = new SpringApplicationBuilder(DeviceManagementApplication.class)
                    .profiles("test")
                    .initializers(context -> context.getBeanFactory().registerSingleton("testJwtDecoder",
                            TestJwtIssuer.jwtDecoder()))
                    // Command-line arguments: above every default, like @SpringBootTest's properties.
                    .run("--server.port=0", "--management.server.port=0", "--eureka.client.enabled=false",
                            "--spring.cloud.discovery.enabled=false",
                            "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                            "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                            "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                            "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER);
        }
        return "http://localhost:" + replicaB.getEnvironment().getProperty("local.server.port");
    }

    UUID activeDevice(Api api, UUID customer, String name) {
        UUID device = api.registerDevice(customer, name);
        jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
        return device;
    }

    @Test
    void pendingDeviceGetsNothingThenItsEnvironmentsReleaseWithStrongEtagsAnd304() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = api.registerDevice(customer, "edge-1");
        UUID release = PromotionIntegrationTests.release(api, customer, "app", "r1");
        PromotionIntegrationTests.pinTesting(api, customer, release);

        HttpResponse<String> pending = desiredState(checks.baseUrl(), device, customer, null, 0);
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(200);
        assertThat((java.util.List<?>) read(pending, "$.containers")).isEmpty();
        String pendingTag = Api.etag(pending);
        assertThat(pendingTag).startsWith("\"").doesNotStartWith("W/");
        HttpResponse<String> unchanged = desiredState(checks.baseUrl(), device, customer, pendingTag, 0);
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(Api.etag(unchanged)).isEqualTo(pendingTag);

        jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
        HttpResponse<String> active = desiredState(checks.baseUrl(), device, customer, pendingTag, 0);
        assertThat(active.statusCode()).isEqualTo(200);
        assertThat((String) read(active, "$.releaseId")).isEqualTo(release.toString());
        assertThat((String) read(active, "$.containers[0].image")).endsWith("/edp/app:1.2.3");
        assertThat(Api.etag(active)).isNotEqualTo(pendingTag);

        HttpResponse<String> current = api.get("/devices/" + device, Api.viewer(customer));
        api.send("POST", "/devices/" + device + "/decommission", Api.operator(customer), null, Api.etag(current));
        HttpResponse<String> decommissioned = desiredState(checks.baseUrl(), device, customer, Api.etag(active), 0);
        assertThat(decommissioned.statusCode()).isEqualTo(200);
        assertThat((java.util.List<?>) read(decommissioned, "$.containers")).isEmpty();
    }

    @Test
    void devicesOfOtherCustomersUnknownDevicesAndCallersWithoutAssertionAreRefused() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = activeDevice(api, customer, "edge-2");
        assertProblem(desiredState(checks.baseUrl(), device, UUID.randomUUID(), null, 0), 404, "NOT_FOUND");
        assertProblem(desiredState(checks.baseUrl(), UUID.randomUUID(), customer, null, 0), 404, "NOT_FOUND");
        assertProblem(desiredState(checks.baseUrl(), device, customer, null, -1), 400, "INVALID_WAIT");
        assertProblem(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/devices/api/v1/device/desired-state", null,
                null, Api.operator(customer)), 401, "DEVICE_ASSERTION_INVALID");
    }

    @Test
    void longPollWithoutChangeAnswers304AfterTheWait() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = activeDevice(api, customer, "edge-3");
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
        long start = System.nanoTime();
        HttpResponse<String> waited = desiredState(checks.baseUrl(), device, customer, etag, 2);
        assertThat(waited.statusCode()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900),
                Duration.ofSeconds(10));
    }

    @Test
    void pinOnOneInstanceWakesALongPollWaitingOnAnother() throws Exception {
        String baseB = replicaB();
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = activeDevice(api, customer, "edge-4");
        UUID release = PromotionIntegrationTests.release(api, customer, "app", "r1");
        String etag = Api.etag(desiredState(baseB, device, customer, null, 0));

        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiter = CompletableFuture
                .supplyAsync(() -> desiredState(baseB, device, customer, etag, 30));
        Thread.sleep(1000);
        assertThat(waiter).isNotDone();
        PromotionIntegrationTests.pinTesting(api, customer, release);

        HttpResponse<String> woken = waiter.get(5, TimeUnit.SECONDS);
        assertThat(woken.statusCode()).as(woken.body()).isEqualTo(200);
        assertThat((String) read(woken, "$.releaseId")).isEqualTo(release.toString());
        assertThat(Api.etag(woken)).isNotEqualTo(etag);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void movingTheDeviceWakesItsLongPoll() throws Exception {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = activeDevice(api, customer, "edge-5");
        UUID release = PromotionIntegrationTests.release(api, customer, "app", "r1");
        PromotionIntegrationTests.pinTesting(api, customer, release);
        HttpResponse<String> moved = api.send("POST", "/devices/" + device + "/environment", Api.operator(customer),
                "{\"environment\":\"STAGING\"}", "\"1\"");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
        CompletableFuture<HttpResponse<String>> waiter = CompletableFuture
                .supplyAsync(() -> desiredState(checks.baseUrl(), device, customer, etag, 30));
        Thread.sleep(500);
        api.send("POST", "/devices/" + device + "/environment", Api.operator(customer),
                "{\"environment\":\"TESTING\"}", "\"2\"");
        HttpResponse<String> woken = waiter.get(5, TimeUnit.SECONDS);
        assertThat(woken.statusCode()).isEqualTo(200);
        assertThat((String) read(woken, "$.releaseId")).isEqualTo(release.toString());
    }
}
