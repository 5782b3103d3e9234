package dev.edp.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import dev.edp.platform.gateway.ServiceFallbackController;
import dev.edp.platform.gateway.ServiceFallbackController.Cause;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.support.NotFoundException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback names why a routed call failed, so that an operator can tell an open
 * breaker from a refused connection or a missing instance.
 */
class ServiceFallbackCauseTests {

    @Test
    void anOpenBreakerIsNamedAsSuch() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("monitoring");
        assertThat(ServiceFallbackController.cause(CallNotPermittedException.createCallNotPermittedException(breaker)))
            .isEqualTo(Cause.BREAKER_OPEN);
    }

    @Test
    void timeoutsOfEveryKindAreTimeouts() {
        assertThat(ServiceFallbackController.cause(new TimeoutException())).isEqualTo(Cause.TIMEOUT);
        assertThat(ServiceFallbackController.cause(new IllegalStateException(new TimeoutException())))
            .isEqualTo(Cause.TIMEOUT);
    }

    @Test
    void aConnectionThatCouldNotBeMadeIsConnectAlsoWhenItsTimeoutPassed() {
        assertThat(ServiceFallbackController.cause(new ConnectException("refused"))).isEqualTo(Cause.CONNECT);
        assertThat(ServiceFallbackController.cause(new ConnectTimeoutException("connect timed out")))
            .isEqualTo(Cause.CONNECT);
        assertThat(ServiceFallbackController.cause(new RuntimeException(new ConnectException("refused"))))
            .isEqualTo(Cause.CONNECT);
    }

    @Test
    void noRegisteredInstanceIsNoInstance() {
        assertThat(ServiceFallbackController.cause(NotFoundException.create(true, "no instance of monitoring")))
            .isEqualTo(Cause.NO_INSTANCE);
    }

    @Test
    void aConnectionLostAfterItWasMadeIsConnection() {
        assertThat(ServiceFallbackController.cause(new IOException("Connection prematurely closed BEFORE response")))
            .isEqualTo(Cause.CONNECTION);
    }

    @Test
    void anythingElseIsOtherAndNoFailureAtAllToo() {
        assertThat(ServiceFallbackController.cause(new IllegalStateException("boom"))).isEqualTo(Cause.OTHER);
        assertThat(ServiceFallbackController.cause(null)).isEqualTo(Cause.OTHER);
    }

}
