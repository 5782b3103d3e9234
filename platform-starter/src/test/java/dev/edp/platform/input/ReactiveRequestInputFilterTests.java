package dev.edp.platform.input;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.platform.problem.EdpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's filter on its own; portal-gateway's integration tests send the same
 * requests through the real gateway.
 */
class ReactiveRequestInputFilterTests {

    private final ReactiveRequestInputFilter filter = new ReactiveRequestInputFilter(
            new WebInputProperties(DataSize.ofKilobytes(1), 50, 200));

    @ParameterizedTest
    @ValueSource(strings = { "/api/devices/v1/devices?q=%00", "/api/devices/v1/devices?q=%ED%A0%80",
            "/api/devices/v1/devices?label=a:%C3%28", "/api/devices/v1/devices/a%00b" })
    void queryAndPathMustBeStorableText(String uri) {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(uri)).build());
        assertRefused(filter.filter(exchange, passing(passed)), 400, "INVALID_TEXT");
        assertThat(passed).hasNullValue();
    }

    @Test
    void headerValuesMustBeStorableText() {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.get("/api/x").header("Last-Event-ID", "7\u0000").build());
        assertRefused(filter.filter(exchange, passing(passed)), 400, "INVALID_TEXT");
        assertThat(passed).hasNullValue();
    }

    @Test
    void aQueryValueOverTheServicesLimitIsRefusedHereAsTheServiceWouldRefuseIt() {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.get("/api/devices/v1/devices?cursor=" + "A".repeat(51)).build());
        assertRefused(filter.filter(exchange, passing(passed)), 400, "PARAMETER_TOO_LONG");
        assertThat(passed).hasNullValue();
    }

    @Test
    void aRequestTargetOverItsLimitIsA414Problem() {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        String many = "&a=1".repeat(50);
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.get("/api/x?b=2" + many).build());
        assertRefused(filter.filter(exchange, passing(passed)), 414, "URI_TOO_LONG");
        assertThat(passed).hasNullValue();
        MockServerWebExchange atTheLimit = MockServerWebExchange
            .from(MockServerHttpRequest.get("/api/x?b=2" + "&a=1".repeat(47) + "&c").build());
        filter.filter(atTheLimit, passing(passed)).block();
        assertThat(passed).doesNotHaveNullValue();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeRouting() {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.post("/api/x").contentLength(1025).body("x".repeat(1025)));
        assertRefused(filter.filter(exchange, passing(passed)), 413, "REQUEST_TOO_LARGE");
        assertThat(passed).hasNullValue();
    }

    @Test
    void aBodyWithoutLengthFailsOnceItStreamsPastTheLimit() {
        Flux<DataBuffer> chunks = Flux.range(0, 3)
            .map(i -> DefaultDataBufferFactory.sharedInstance
                .wrap("y".repeat(400).getBytes(StandardCharsets.US_ASCII)));
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/x").body(chunks));
        WebFilterChain readsBody = routed -> DataBufferUtils.join(routed.getRequest().getBody())
            .doOnNext(DataBufferUtils::release)
            .then();
        assertRefused(filter.filter(exchange, readsBody), 413, "REQUEST_TOO_LARGE");
    }

    @Test
    void storableRequestsWithinTheLimitPass() {
        AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.method(HttpMethod.POST, URI.create("/api/devices/v1/devices?q=caf%C3%A9"))
                .body("z".repeat(1024)));
        filter.filter(exchange, passing(passed)).block();
        assertThat(passed).doesNotHaveNullValue();
        String body = DataBufferUtils.join(passed.get().getRequest().getBody())
            .map(buffer -> buffer.toString(StandardCharsets.US_ASCII))
            .block();
        assertThat(body).hasSize(1024);
    }

    private static WebFilterChain passing(AtomicReference<ServerWebExchange> passed) {
        return exchange -> {
            passed.set(exchange);
            return Mono.empty();
        };
    }

    private static void assertRefused(Mono<Void> result, int status, String code) {
        assertThatThrownBy(result::block).isInstanceOfSatisfying(EdpException.class, ex -> {
            assertThat(ex.getStatusCode().value()).isEqualTo(status);
            assertThat(ex.getCode()).isEqualTo(code);
        });
    }

}
