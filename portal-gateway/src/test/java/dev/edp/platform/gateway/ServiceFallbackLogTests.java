package dev.edp.platform.gateway;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;

import dev.edp.test.time.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every fallback is counted, but a burst of them is logged once per route and cause every
 * {@link ServiceFallbackController#LOG_EVERY}, with the number left unlogged.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceFallbackLogTests {

    final TestClock clock = TestClock.at(Instant.parse("2026-12-06T08:00:00Z"));

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    final ServiceFallbackController fallback = new ServiceFallbackController(meters, clock);

    @Test
    void aBurstIsCountedInFullAndLoggedOncePerWindowWithWhatWasLeftOut(CapturedOutput output) {
        for (int i = 0; i < 3; i++) {
            fallBack("monitoring", new ConnectException("Connection refused"));
        }
        assertThat(lines(output, "Route monitoring answered from the fallback (connect)")).isEqualTo(1);

        clock.advance(ServiceFallbackController.LOG_EVERY.plus(Duration.ofSeconds(1)));
        fallBack("monitoring", new ConnectException("Connection refused"));

        assertThat(lines(output, "Route monitoring answered from the fallback (connect)")).isEqualTo(2);
        assertThat(output.getOut()).contains("(connect) and 2 more times since the last such line");
        assertThat(meters.get(ServiceFallbackController.METRIC)
            .tag("route", "monitoring")
            .tag("cause", "connect")
            .counter()
            .count()).isEqualTo(4);
    }

    @Test
    void eachRouteAndCauseHasItsOwnWindow(CapturedOutput output) {
        fallBack("monitoring", new ConnectException("Connection refused"));
        fallBack("monitoring", new java.util.concurrent.TimeoutException());
        fallBack("onboarding", new ConnectException("Connection refused"));

        assertThat(lines(output, "answered from the fallback")).isEqualTo(3);
    }

    private void fallBack(String routeId, Throwable failure) {
        Route route = Route.async().id(routeId).uri("lb://" + routeId).predicate(exchange -> true).build();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/fallback"));
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
        exchange.getAttributes().put(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR, failure);
        fallback.fallback(exchange).block();
    }

    private static long lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).count();
    }

}
