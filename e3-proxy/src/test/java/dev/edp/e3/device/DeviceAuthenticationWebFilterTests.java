package dev.edp.e3.device;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests the door copies to strip headers (E3DeviceAuthenticationIntegrationTests
 * sends forged identity headers through the real server and checks they are gone).
 */
class DeviceAuthenticationWebFilterTests {

    final DeviceAuthenticationWebFilter filter = new DeviceAuthenticationWebFilter(null, List.of("/onboarding/**"),
            List.of("X-EDP-Device", "x-client-cert"), 1024, new RateLimiter(10, 10), new SimpleMeterRegistry());

    @Test
    void aHeaderStartingWithAStrippedPrefixInAnyCaseIsFound() {
        assertThat(filter.carriesStrippedHeader(request("x-edp-device-id"))).isTrue();
        assertThat(filter.carriesStrippedHeader(request("X-EDP-DEVICE-CREDENTIAL"))).isTrue();
        assertThat(filter.carriesStrippedHeader(request("X-Client-Cert"))).isTrue();
    }

    @Test
    void headersThatOnlyResembleAPrefixAreLeftAlone() {
        assertThat(filter.carriesStrippedHeader(request("X-EDP-Devic"))).as("shorter than the prefix").isFalse();
        assertThat(filter.carriesStrippedHeader(request("X-Request-Id"))).isFalse();
        assertThat(filter.carriesStrippedHeader(request("Accept-X-EDP-Device"))).as("prefix, not substring").isFalse();
    }

    private static MockServerHttpRequest request(String header) {
        return MockServerHttpRequest.get("/monitoring/api/v1/heartbeat")
            .header("Accept", "application/json")
            .header(header, "value")
            .build();
    }

}
