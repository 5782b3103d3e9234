package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.edp.devicemanagement.AbstractApiIntegrationTests;
import dev.edp.devicemanagement.Api;
import dev.edp.devicemanagement.DeviceManagementApplication;
import dev.edp.platform.client.ServiceTokenSource;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static dev.edp.devicemanagement.Api.customerAdmin;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Devices fetch their desired state cheaply (ETag, 304, long-poll), woken across
 * replicas. Every long-poll test first proves the request is parked (counted in the
 * instance's {@link DesiredStateWaiters}, and not answered while nothing changes) before
 * it changes anything, so a request that answered at once, or was never parked, fails the
 * test.
 */
class DesiredStateIntegrationTests extends AbstractApiIntegrationTests {

    /** How long a parked request must stay unanswered while nothing changes. */
    static final Duration QUIET = Duration.ofSeconds(1);

    /** Generous: CI runs on a loaded 2-core machine. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    static ConfigurableApplicationContext replicaB;

    @Autowired
    Environment environment;

    @Autowired
    DesiredStateWaiters waiters;

    @AfterAll
    static void stopReplica() {
        if (replicaB != null) {
            replicaB.close();
        }
    }

    /** A second instance of the service on its own port, against the same database. */
    ConfigurableApplicationContext replicaB() {
        if (replicaB == null) {
            replicaB = new SpringApplicationBuilder(DeviceManagementApplication.class).profiles("test")
                .initializers(context -> {
                    context.getBeanFactory().registerSingleton("testJwtDecoder", TestJwtIssuer.jwtDecoder());
                    // Device requests: the request keys are fetched with the service
                    // token.
                    context.getBeanFactory()
                        .registerSingleton("testServiceTokenSource", (ServiceTokenSource) TestJwtIssuer::serviceToken);
                })
                // Command-line arguments: above every default, like @SpringBootTest's
                // properties.
                .run("--server.port=0", "--management.server.port=0", "--eureka.client.enabled=false",
                        "--spring.cloud.discovery.enabled=false",
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password", ""),
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER);
        }
        return replicaB;
    }

    static String baseUrl(ConfigurableApplicationContext context) {
        return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    /**
     * Starts a long-poll with a current ETag and returns once it is proven parked:
     * registered as the customer's one waiter on that instance, and still unanswered
     * after {@link #QUIET}.
     */
    static CompletableFuture<HttpResponse<String>> parked(String baseUrl, DesiredStateWaiters waiters, UUID device,
            UUID customer, String etag, int waitSeconds) {
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture
            .supplyAsync(() -> desiredState(baseUrl, device, customer, etag, waitSeconds));
        await().atMost(DEADLINE).until(() -> poll.isDone() || waiters.waiting(customer) == 1);
        assertThat(poll).as("answered instead of waiting").isNotDone();
        assertThat(waiters.waiting(customer)).isEqualTo(1);
        try {
            Thread.sleep(QUIET.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        assertThat(poll).as("answered although nothing changed").isNotDone();
        assertThat(waiters.waiting(customer)).isEqualTo(1);
        return poll;
    }

    /**
     * The woken answer: a 200 (a timeout would be a 304), well before the poll's own wait
     * ran out.
     */
    static HttpResponse<String> woken(CompletableFuture<HttpResponse<String>> poll, DesiredStateWaiters waiters,
            UUID customer) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = poll.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        await().atMost(DEADLINE).until(() -> waiters.waiting(customer) == 0);
        return answer;
    }

    @Test
    void pendingDeviceGetsNothingThenItsEnvironmentsReleaseWithStrongEtagsAnd304() {
        UUID device = api.registerDevice(customer, "edge-1");
        UUID release = api.release(customer, "app", "r1");
        api.pinTesting(customer, release);

        HttpResponse<String> pending = desiredState(checks.baseUrl(), device, customer, null, 0);
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(200);
        assertThat((List<?>) read(pending, "$.containers")).isEmpty();
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
        api.send("POST", "/devices/" + device + "/decommission", operator(customer), null, Api.etag(current));
        HttpResponse<String> decommissioned = desiredState(checks.baseUrl(), device, customer, Api.etag(active), 0);
        assertThat(decommissioned.statusCode()).isEqualTo(200);
        assertThat((List<?>) read(decommissioned, "$.containers")).isEmpty();
    }

    @Test
    void devicesOfOtherCustomersUnknownDevicesAndCallersWithoutAssertionAreRefused() {
        UUID device = activeDevice(customer, "edge-2");
        assertProblem(desiredState(checks.baseUrl(), device, UUID.randomUUID(), null, 0), 404, "NOT_FOUND");
        assertProblem(desiredState(checks.baseUrl(), UUID.randomUUID(), customer, null, 0), 404, "NOT_FOUND");
        assertProblem(desiredState(checks.baseUrl(), device, customer, null, -1), 400, "INVALID_WAIT");
        assertProblem(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/devices/api/v1/device/desired-state", null,
                null, operator(customer)), 401, "DEVICE_ASSERTION_INVALID");
        assertThat(waiters.waiting(customer)).isZero();
    }

    @Test
    void aStaleEtagOrNoWaitAnswersAtOnceWithoutParking() {
        UUID device = activeDevice(customer, "edge-6");
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
        assertThat(desiredState(checks.baseUrl(), device, customer, "\"other\"", 30).statusCode()).isEqualTo(200);
        assertThat(desiredState(checks.baseUrl(), device, customer, etag, 0).statusCode()).isEqualTo(304);
        assertThat(waiters.waiting(customer)).isZero();
    }

    @Test
    void longPollWithoutChangeStaysParkedForTheWholeWaitThenAnswers304() throws Exception {
        UUID device = activeDevice(customer, "edge-3");
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> poll = parked(checks.baseUrl(), waiters, device, customer, etag, 3);
        HttpResponse<String> waited = poll.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(waited.statusCode()).isEqualTo(304);
        assertThat(Api.etag(waited)).isEqualTo(etag);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        await().atMost(DEADLINE).until(() -> waiters.waiting(customer) == 0);
    }

    @Test
    void pinOnOneInstanceWakesALongPollParkedOnAnother() throws Exception {
        ConfigurableApplicationContext b = replicaB();
        DesiredStateWaiters waitersB = b.getBean(DesiredStateWaiters.class);
        UUID device = activeDevice(customer, "edge-4");
        UUID release = api.release(customer, "app", "r1");
        String etag = Api.etag(desiredState(baseUrl(b), device, customer, null, 0));

        CompletableFuture<HttpResponse<String>> poll = parked(baseUrl(b), waitersB, device, customer, etag, 30);
        assertThat(waiters.waiting(customer)).as("parked on B, not here").isZero();
        api.pinTesting(customer, release);

        HttpResponse<String> answer = woken(poll, waitersB, customer);
        assertThat((String) read(answer, "$.releaseId")).isEqualTo(release.toString());
        assertThat(Api.etag(answer)).isNotEqualTo(etag);
    }

    @Test
    void movingTheDeviceUpOrByAnApprovedMoveDownWakesItsLongPoll() throws Exception {
        UUID device = activeDevice(customer, "edge-5");
        UUID release = api.release(customer, "app", "r1");
        api.pinTesting(customer, release);
        api.promote(customer, "STAGING");
        UUID newer = api.release(customer, "app", "r2");
        api.pinTesting(customer, newer);

        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
        CompletableFuture<HttpResponse<String>> poll = parked(checks.baseUrl(), waiters, device, customer, etag, 30);
        api.moveDirectly(customer, device, "STAGING");
        HttpResponse<String> up = woken(poll, waiters, customer);
        assertThat((String) read(up, "$.environment")).isEqualTo("STAGING");
        assertThat((String) read(up, "$.releaseId")).isEqualTo(release.toString());

        String move = read(api.post("/moves", operator(customer),
                "{\"deviceId\":\"" + device + "\",\"targetEnvironment\":\"TESTING\"}"), "$.id");
        poll = parked(checks.baseUrl(), waiters, device, customer, Api.etag(up), 30);
        assertThat(api.post("/moves/" + move + "/approve", customerAdmin(customer), null).statusCode()).isEqualTo(200);
        HttpResponse<String> down = woken(poll, waiters, customer);
        assertThat((String) read(down, "$.environment")).isEqualTo("TESTING");
        assertThat((String) read(down, "$.releaseId")).isEqualTo(newer.toString());
    }

    @Test
    void aReleaseOverrideWakesTheDevicesLongPoll() throws Exception {
        UUID device = activeDevice(customer, "waiting");
        UUID release = api.release(customer, "app", "r1");
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));

        CompletableFuture<HttpResponse<String>> poll = parked(checks.baseUrl(), waiters, device, customer, etag, 30);
        HttpResponse<String> overridden = api.put("/devices/" + device + "/release-override", operator(customer),
                "{\"releaseId\":\"" + release + "\"}", null);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
        assertThat((String) read(woken(poll, waiters, customer), "$.releaseId")).isEqualTo(release.toString());
    }

    /**
     * The waiters stopped and started again, as Spring pauses a cached test context
     * between test classes and resumes it: a change still wakes a parked long-poll. Their
     * executor was made once and shut down at the stop, so every wake-up after the
     * restart was refused, the listener took that for a lost connection, and no long-poll
     * was woken.
     */
    @Test
    void waitersStoppedAndStartedAgainStillWakeLongPolls() throws Exception {
        waiters.stop();
        waiters.start();
        UUID device = activeDevice(customer, "restarted");
        UUID release = api.release(customer, "app", "r1");
        await().atMost(DEADLINE).until(waiters::isListening);
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));

        CompletableFuture<HttpResponse<String>> poll = parked(checks.baseUrl(), waiters, device, customer, etag, 30);
        api.pinTesting(customer, release);
        assertThat((String) read(woken(poll, waiters, customer), "$.releaseId")).isEqualTo(release.toString());
    }

}
