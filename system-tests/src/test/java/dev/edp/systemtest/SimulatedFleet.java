package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.E3Trust;
import dev.edp.agent.Simulator;
import dev.edp.agent.TokenSource;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet of a fault test: simulated devices of one customer, each with its own
 * onboarding token (made by the customer's operator through the gateway), enrolled
 * through the platform's E3 and heartbeating.
 */
final class SimulatedFleet {

    private SimulatedFleet() {
    }

    /**
     * Makes the tokens, starts the simulator and waits until every device is enrolled
     * (none failed) and online.
     * @param platform the test's own platform
     * @param operator an operator's access token
     * @param devices how many
     * @param options the agents' options
     * @param prefix the devices' names are {@code prefix-1} to {@code prefix-N}
     * @param wait how long enrolling and going online may take, each
     * @return the running simulator, to be closed by the caller
     */
    static Simulator enroll(OwnPlatform platform, String operator, int devices, AgentOptions options, String prefix,
            Duration wait) throws Exception {
        Simulator simulator = start(platform, operator, devices, options, prefix, Duration.ofSeconds(20));
        try {
            Await.until("every simulated device enrolled", wait, () -> simulator.snapshot().onboarded() == devices);
            assertThat(simulator.snapshot().onboardingFailures()).isZero();
            Await.until("every device heartbeating", wait, () -> simulator.snapshot().online() == devices);
            return simulator;
        }
        catch (Exception | AssertionError ex) {
            simulator.close();
            throw ex;
        }
    }

    /**
     * Makes the tokens and starts the simulator; returns while the devices enroll.
     * @param platform the test's own platform
     * @param operator an operator's access token
     * @param devices how many
     * @param options the agents' options
     * @param prefix the devices' names are {@code prefix-1} to {@code prefix-N}
     * @param rampUp the enrollments are spread over this time
     * @return the running simulator, to be closed by the caller
     */
    static Simulator start(OwnPlatform platform, String operator, int devices, AgentOptions options, String prefix,
            Duration rampUp) throws Exception {
        Map<String, String> onboardingTokens = new ConcurrentHashMap<>();
        List<Future<?>> created = new ArrayList<>();
        try (ExecutorService creators = Executors.newFixedThreadPool(4)) {
            for (int n = 1; n <= devices; n++) {
                String name = prefix + "-" + n;
                created.add(creators.submit(() -> {
                    HttpResponse<String> token = send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                            "application/json", "{\"deviceName\":\"" + name + "\",\"environment\":\"TESTING\"}",
                            operator);
                    assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
                    onboardingTokens.put(name, JsonPath.read(token.body(), "$.token"));
                }));
            }
        }
        for (Future<?> token : created) {
            token.get();
        }
        TokenSource tokens = name -> Objects.requireNonNull(onboardingTokens.remove(name), name);
        Simulator.Settings settings = new Simulator.Settings(devices, URI.create(platform.e3Url()),
                E3Trust.fromPem(platform.e3TrustFile()), tokens, options, rampUp, prefix)
            .withEventLoopThreads(1);
        Simulator simulator = new Simulator(settings);
        try {
            simulator.start();
        }
        catch (RuntimeException ex) {
            simulator.close();
            throw ex;
        }
        return simulator;
    }

}
