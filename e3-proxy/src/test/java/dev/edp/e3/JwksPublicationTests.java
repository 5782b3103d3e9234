package dev.edp.e3;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.jayway.jsonpath.JsonPath;
import dev.edp.e3.assertion.DeviceAssertionGlobalFilter;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.assertion.JwksPublication;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At every start Boot opens the device port before the management port that serves the
 * JWKS: E3 forwards nothing until the JWKS is served, so no service ever receives an
 * assertion whose key it cannot fetch yet. Requests of that moment wait for it (devices
 * that return the moment E3 restarts are served); only past the wait are they refused
 * (503, Retry-After).
 */
class JwksPublicationTests {

    static ReactiveWebServerInitializedEvent started(String namespace, int port) {
        ReactiveWebServerApplicationContext context = new ReactiveWebServerApplicationContext();
        context.setServerNamespace(namespace);
        WebServer server = new WebServer() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }

            @Override
            public int getPort() {
                return port;
            }
        };
        return new ReactiveWebServerInitializedEvent(server, context);
    }

    static ServerWebExchange routedRequest() {
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.post("/onboarding/api/v1/enrollments")
                .remoteAddress(new InetSocketAddress("192.0.2.7", 50_000)));
        exchange.getAttributes()
            .put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
                    Route.async().id("onboarding").uri("lb://onboarding").predicate(e -> true).build());
        return exchange;
    }

    static JwksPublication separateManagementPort() {
        return new JwksPublication(new MockEnvironment().withProperty("server.port", "8443")
            .withProperty("management.server.port", "9443"));
    }

    static DeviceAssertionGlobalFilter filter(JwksPublication publication, Duration wait) {
        return new DeviceAssertionGlobalFilter(
                new DeviceAssertionKeys(Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMinutes(5)), publication,
                wait);
    }

    @Test
    void aRequestBeforeTheJwksIsServedWaitsForItAndIsForwardedOnceItIs() throws Exception {
        JwksPublication publication = separateManagementPort();
        DeviceAssertionGlobalFilter filter = filter(publication, Duration.ofMinutes(5));
        AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();
        publication.onApplicationEvent(started(null, 8443));

        ServerWebExchange early = routedRequest();
        CompletableFuture<Void> handled = filter.filter(early, exchange -> {
            forwarded.set(exchange);
            return Mono.empty();
        }).toFuture();
        // Held, not answered: the device port is open, the JWKS not served yet.
        assertThat(handled).isNotDone();
        assertThat(forwarded).hasNullValue();
        assertThat(early.getResponse().getStatusCode()).isNull();

        publication.onApplicationEvent(started("management", 9443));
        handled.get(30, TimeUnit.SECONDS);
        assertThat(forwarded.get().getRequest().getHeaders().getFirst(dev.edp.platform.device.DeviceProof.HEADER))
            .isNotBlank();
        assertThat(early.getResponse().getStatusCode()).isNull();
    }

    @Test
    void aRequestBeforeTheJwksIsServedIsRefusedRetryablyWhenTheWaitRunsOut() {
        JwksPublication publication = separateManagementPort();
        DeviceAssertionGlobalFilter filter = filter(publication, Duration.ofMillis(50));
        AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();
        publication.onApplicationEvent(started(null, 8443));

        ServerWebExchange early = routedRequest();
        filter.filter(early, exchange -> {
            forwarded.set(exchange);
            return Mono.empty();
        }).block(Duration.ofSeconds(30));
        assertThat(forwarded).hasNullValue();
        assertThat(early.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(early.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        String body = ((MockServerWebExchange) early).getResponse().getBodyAsString().block();
        assertThat(JsonPath.<String>read(body, "$.code")).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(JsonPath.<String>read(body, "$.title"))
            .as("the title E3 gives SERVICE_UNAVAILABLE for a backend too")
            .isEqualTo("Service unavailable");

        // Once served, requests pass at once.
        publication.onApplicationEvent(started("management", 9443));
        filter.filter(routedRequest(), exchange -> {
            forwarded.set(exchange);
            return Mono.empty();
        }).block(Duration.ofSeconds(30));
        assertThat(forwarded.get().getRequest().getHeaders().getFirst(dev.edp.platform.device.DeviceProof.HEADER))
            .isNotBlank();
    }

    @Test
    void withTheActuatorOnTheDevicePortTheJwksIsServedWithIt() {
        JwksPublication publication = new JwksPublication(new MockEnvironment().withProperty("server.port", "8443"));
        assertThat(publication.published()).isFalse();
        publication.onApplicationEvent(started(null, 8443));
        assertThat(publication.published()).isTrue();
    }

}
