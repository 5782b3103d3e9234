package dev.edp.platform.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class SkipRefusedInstancesTests {

    final TestClock clock = TestClock.startingNow();

    final RefusedInstances refused = new RefusedInstances(clock, Duration.ofSeconds(15));

    final ServiceInstance killed = new DefaultServiceInstance("monitoring-1", "monitoring", "127.0.0.1", 8084, false);

    final ServiceInstance alive = new DefaultServiceInstance("monitoring-2", "monitoring", "127.0.0.1", 8094, false);

    final List<ServiceInstance> both = List.of(killed, alive);

    final SkipRefusedInstances instances = new SkipRefusedInstances(new ServiceInstanceListSupplier() {
        @Override
        public String getServiceId() {
            return "monitoring";
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return Flux.just(both);
        }
    }, refused);

    List<ServiceInstance> listed() {
        return instances.get().blockFirst();
    }

    @Test
    void anInstanceThatRefusedAConnectionIsLeftOutForTheWindowThenListedAgain() {
        assertThat(listed()).containsExactly(killed, alive);

        refused.refused("127.0.0.1", 8084);
        assertThat(listed()).containsExactly(alive);
        clock.advance(Duration.ofSeconds(14));
        assertThat(listed()).containsExactly(alive);

        clock.advance(Duration.ofSeconds(2));
        assertThat(listed()).containsExactly(killed, alive);
    }

    @Test
    void withoutRefusalsTheInstancesArePassedOnAsTheyAreNotCopied() {
        assertThat(listed()).isSameAs(both);
        refused.refused("127.0.0.1", 8084);
        assertThat(listed()).isNotSameAs(both).containsExactly(alive);
    }

    @Test
    void whenEveryInstanceRefusedAllAreListedSoThatARestartedOnlyInstanceIsTriedAtOnce() {
        refused.refused("127.0.0.1", 8084);
        refused.refused("127.0.0.1", 8094);
        assertThat(listed()).containsExactly(killed, alive);
    }

    @Test
    void onlyARefusedConnectionCountsNotAnyFailure() {
        // Netty's AnnotatedConnectException is a ConnectException.
        assertThat(RefusedInstances.isRefusedConnection(new ConnectException("Connection refused: /127.0.0.1:8084")))
            .isTrue();
        assertThat(RefusedInstances
            .isRefusedConnection(new IllegalStateException("routing failed", new ConnectException("refused"))))
            .isTrue();
        assertThat(RefusedInstances.isRefusedConnection(new IOException("Connection reset by peer"))).isFalse();
    }

}
