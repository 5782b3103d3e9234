package dev.edp.devicemanagement.events;

import java.nio.charset.StandardCharsets;

import dev.edp.platform.client.ServiceCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures end the retries of a row. */
class DeviceEventRelayTests {

    static RestClientResponseException answer(int status) {
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        return status < 500
                ? HttpClientErrorException.create(code, "refused", new HttpHeaders(), new byte[0],
                        StandardCharsets.UTF_8)
                : HttpServerErrorException.create(code, "failed", new HttpHeaders(), new byte[0],
                        StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(ints = { 400, 403, 404, 409, 410, 422 })
    void aClientErrorIsPermanent(int status) {
        assertThat(DeviceEventRelay.permanent(answer(status))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = { 401, 408, 429, 500, 502, 503, 504 })
    void tokenRefusalsTimeoutsThrottlingAndServerErrorsAreRetried(int status) {
        assertThat(DeviceEventRelay.permanent(answer(status))).isFalse();
    }

    @Test
    void noAnswerOrNoTokenIsRetried() {
        assertThat(DeviceEventRelay.permanent(new ResourceAccessException("Connection refused"))).isFalse();
        assertThat(DeviceEventRelay.permanent(new ServiceCallException("no token", null))).isFalse();
        assertThat(DeviceEventRelay.permanent(new IllegalStateException("no instance"))).isFalse();
    }

}
