package dev.edp.platform.customer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingCustomerStatusLookupTests {

    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    final List<UUID> asked = new ArrayList<>();

    CustomerState answer = CustomerState.ACTIVE;

    final CachingCustomerStatusLookup cache = new CachingCustomerStatusLookup((customer, token) -> {
        asked.add(customer);
        if (answer == null) {
            throw new CustomerStatusUnavailableException("down", null);
        }
        return answer;
    }, Duration.ofSeconds(30), Duration.ofSeconds(5), 3, new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void holdsAtMostMaxSizeCustomersDroppingThoseThatExpireFirst() {
        List<UUID> customers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            customers.add(UUID.randomUUID());
            cache.stateOf(customers.getLast(), "t");
            now = now.plusSeconds(1);
        }
        assertThat(cache.size()).isEqualTo(3);
        cache.stateOf(customers.getLast(), "t");
        assertThat(asked).hasSize(10);
        cache.stateOf(customers.getFirst(), "t");
        assertThat(asked).hasSize(11);
    }

    @Test
    void keepsTheLastKnownStateThroughAFailureAndWaitsBeforeAskingAgain() {
        UUID customer = UUID.randomUUID();
        answer = CustomerState.DEACTIVATED;
        cache.stateOf(customer, "t");
        answer = null;
        now = now.plusSeconds(31);
        assertThat(cache.stateOf(customer, "t")).isEqualTo(CustomerState.DEACTIVATED);
        assertThat(cache.stateOf(customer, "t")).isEqualTo(CustomerState.DEACTIVATED);
        assertThat(asked).hasSize(2);
        now = now.plusSeconds(6);
        answer = CustomerState.ACTIVE;
        assertThat(cache.stateOf(customer, "t")).isEqualTo(CustomerState.ACTIVE);
    }

    @Test
    void withoutAKnownStateAFailureIsPassedOnAndNotRetriedAtOnce() {
        UUID customer = UUID.randomUUID();
        answer = null;
        assertThatExceptionOfType(CustomerStatusUnavailableException.class)
            .isThrownBy(() -> cache.stateOf(customer, "t"));
        assertThatExceptionOfType(CustomerStatusUnavailableException.class)
            .isThrownBy(() -> cache.stateOf(customer, "t"));
        assertThat(asked).hasSize(1);
    }

}
