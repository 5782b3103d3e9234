package dev.edp.platform.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

/** The one outbox loop: what is sent, taken, refused and kept for later. */
class OutboxRelayTests {

    /**
     * An outbox of numbered rows; the receiver refuses {@code bad} rows for good and is
     * {@code down} or not.
     */
    static final class Rows implements OutboxRelay.Outbox<Integer> {

        final List<Integer> pending = new ArrayList<>();

        final List<Integer> bad = new ArrayList<>();

        final List<List<Integer>> calls = new ArrayList<>();

        final List<Integer> delivered = new ArrayList<>();

        final List<Integer> refused = new ArrayList<>();

        final List<Integer> failed = new ArrayList<>();

        int claims;

        boolean down;

        Rows(int count) {
            for (int i = 1; i <= count; i++) {
                pending.add(i);
            }
        }

        @Override
        public List<Integer> claim(int limit) {
            claims++;
            return new ArrayList<>(pending.subList(0, Math.min(limit, pending.size())));
        }

        @Override
        public void send(List<Integer> rows) {
            calls.add(List.copyOf(rows));
            if (down) {
                throw HttpServerErrorException.create(HttpStatusCode.valueOf(503), "down", new HttpHeaders(),
                        new byte[0], StandardCharsets.UTF_8);
            }
            if (rows.stream().anyMatch(bad::contains)) {
                throw HttpClientErrorException.create(HttpStatusCode.valueOf(422), "refused", new HttpHeaders(),
                        new byte[0], StandardCharsets.UTF_8);
            }
        }

        @Override
        public void delivered(List<Integer> rows) {
            delivered.addAll(rows);
            pending.removeAll(rows);
        }

        @Override
        public void refused(List<Integer> rows, RuntimeException cause) {
            assertThat(rows).hasSize(1);
            refused.addAll(rows);
            pending.removeAll(rows);
        }

        @Override
        public void failed(List<Integer> rows, RuntimeException cause) {
            failed.addAll(rows);
        }

    }

    @Test
    void oneRowRefusedForGoodIsSetAsideAloneAndEveryOtherRowOfItsBatchIsDelivered() {
        Rows rows = new Rows(8);
        rows.bad.add(6);
        int delivered = OutboxRelay.of(rows).batchSize(8).build().pass();
        assertThat(delivered).isEqualTo(7);
        assertThat(rows.refused).containsExactly(6);
        assertThat(rows.delivered).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 7, 8);
        assertThat(rows.failed).isEmpty();
        // Halving: 8, then 4 + 4, then 2 + 2 of the bad half, then 1 + 1: 7 calls, not 8
        // + 1.
        assertThat(rows.calls).hasSize(7);
    }

    @Test
    void aFailureThatMayPassFailsTheRowsOfThatCallOnlyAndEndsThePass() {
        Rows rows = new Rows(6);
        rows.down = true;
        int delivered = OutboxRelay.of(rows).batchSize(3).rowsPerCall(1).maxBatchesPerPass(5).build().pass();
        assertThat(delivered).isZero();
        assertThat(rows.failed).containsExactly(1);
        assertThat(rows.calls).containsExactly(List.of(1));
        assertThat(rows.claims).isEqualTo(1);
        assertThat(rows.pending).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void rowsSentAloneGoOnPastARefusedRow() {
        Rows rows = new Rows(3);
        rows.bad.add(1);
        int delivered = OutboxRelay.of(rows).batchSize(10).rowsPerCall(1).build().pass();
        assertThat(delivered).isEqualTo(2);
        assertThat(rows.refused).containsExactly(1);
        assertThat(rows.delivered).containsExactly(2, 3);
    }

    @Test
    void aPassRunsBatchesWhileTheyComeBackFullUpToItsLimit() {
        Rows rows = new Rows(25);
        int delivered = OutboxRelay.of(rows).batchSize(10).maxBatchesPerPass(2).build().pass();
        assertThat(delivered).isEqualTo(20);
        assertThat(rows.claims).isEqualTo(2);
        assertThat(OutboxRelay.of(rows).batchSize(10).maxBatchesPerPass(2).build().pass()).isEqualTo(5);
    }

    static RestClientResponseException answer(int status) {
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        return status < 500
                ? HttpClientErrorException.create(code, "refused", new HttpHeaders(), new byte[0],
                        StandardCharsets.UTF_8)
                : HttpServerErrorException.create(code, "failed", new HttpHeaders(), new byte[0],
                        StandardCharsets.UTF_8);
    }

    /** What ends the retries of every relay (device events, device certificates, ...). */
    @ParameterizedTest
    @ValueSource(ints = { 400, 403, 404, 409, 410, 422 })
    void aClientErrorIsThePermanentRefusalOfTheRows(int status) {
        assertThat(OutboxRelay.permanentRefusal(answer(status))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = { 401, 408, 429, 500, 502, 503, 504 })
    void tokenRefusalsTimeoutsThrottlingAndServerErrorsAreRetried(int status) {
        assertThat(OutboxRelay.permanentRefusal(answer(status))).isFalse();
    }

    @Test
    void noAnswerOrNoTokenIsRetried() {
        assertThat(OutboxRelay.permanentRefusal(new ResourceAccessException("Connection refused"))).isFalse();
        assertThat(OutboxRelay.permanentRefusal(new ServiceCallException("no token", null))).isFalse();
        assertThat(OutboxRelay.permanentRefusal(new IllegalStateException("no instance"))).isFalse();
    }

    @Test
    void retriesDoubleFromTheFirstWaitUpToTheLongestAndEndAfterTheLastAttempt() {
        OutboxRetries retries = new OutboxRetries(Duration.ofSeconds(2), Duration.ofSeconds(10), 4);
        assertThat(retries.backoff(1)).hasSeconds(2);
        assertThat(retries.backoff(2)).hasSeconds(4);
        assertThat(retries.backoff(3)).hasSeconds(8);
        assertThat(retries.backoff(4)).hasSeconds(10);
        assertThat(retries.backoff(500)).hasSeconds(10);
        assertThat(retries.exhausted(3)).isFalse();
        assertThat(retries.exhausted(4)).isTrue();
    }

}
