package dev.edp.monitoring.retention;

import java.util.UUID;

import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows inserted with old timestamps: the retention job deletes old final rows and keeps
 * recent, open and pending ones (defaults: alerts 90 d, notifications 30 d, connectivity
 * events 7 d).
 */
@MonitoringTest
class RetentionJobIntegrationTests extends MonitoringIntegrationTest {

    @Autowired
    RetentionJob job;

    final UUID customer = UUID.randomUUID();

    @Test
    void oldResolvedAlertsFinalNotificationsAndTakenConnectivityEventsGoTheRestStays() {
        UUID oldResolved = alert("100 days", "95 days");
        long oldResolvedSent = notification(oldResolved, "SENT", "100 days");
        long oldResolvedFailed = notification(oldResolved, "FAILED", "95 days");
        UUID recentResolved = alert("60 days", "10 days");
        long oldSent = notification(recentResolved, "SENT", "60 days");
        long oldSuppressed = notification(recentResolved, "SUPPRESSED", "31 days");
        long oldFailed = notification(recentResolved, "FAILED", "40 days");
        long oldPending = notification(recentResolved, "PENDING", "40 days");
        long recentSent = notification(recentResolved, "SENT", "29 days");
        UUID longOpen = alert("200 days", null);
        long longOpenSent = notification(longOpen, "SENT", "200 days");

        long oldTaken = event("8 days", true, true);
        long oldNotRelayed = event("8 days", false, true);
        long recentTaken = event("6 days", true, true);
        jdbc.sql("""
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at, live_published_at,
                    relayed_at)
                SELECT gen_random_uuid(), :c, 'ONLINE', 'OFFLINE', now() - interval '30 days', now(), now()
                FROM generate_series(1, 20005)""").param("c", customer).update();

        RetentionJob.Result result = job.prune();

        assertThat(result.alerts()).isGreaterThanOrEqualTo(1);
        assertThat(result.notifications()).isGreaterThanOrEqualTo(3);
        assertThat(result.connectivityEvents()).isGreaterThanOrEqualTo(20_006);
        assertThat(alertExists(oldResolved)).isFalse();
        assertThat(alertExists(recentResolved)).isTrue();
        assertThat(alertExists(longOpen)).isTrue();
        assertThat(notificationExists(oldResolvedSent)).isFalse();
        assertThat(notificationExists(oldResolvedFailed)).isFalse();
        assertThat(notificationExists(oldSent)).isFalse();
        assertThat(notificationExists(oldSuppressed)).isFalse();
        assertThat(notificationExists(oldFailed)).isFalse();
        assertThat(notificationExists(oldPending)).isTrue();
        assertThat(notificationExists(recentSent)).isTrue();
        // The opened notification of a still open alert decides whether its resolution is
        // sent: kept.
        assertThat(notificationExists(longOpenSent)).isTrue();
        assertThat(eventExists(oldTaken)).isFalse();
        assertThat(eventExists(oldNotRelayed)).isTrue();
        assertThat(eventExists(recentTaken)).isTrue();
        assertThat(count("SELECT count(*) FROM connectivity_event WHERE customer_id = :c", "c", customer)).isEqualTo(2);

        // Nothing left to do: a second run deletes none of this customer's rows.
        job.prune();
        assertThat(alertExists(recentResolved)).isTrue();
        assertThat(notificationExists(oldPending)).isTrue();
        assertThat(eventExists(recentTaken)).isTrue();
    }

    UUID alert(String openedAgo, String resolvedAgo) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO alert (id, type, customer_id, subject, detail, opened_at, resolved_at)
                VALUES (:id, 'DEPLOYMENT_FAILED', :c, :subject, 'test', now() - CAST(:opened AS interval),
                        now() - CAST(:resolved AS interval))""")
            .param("id", id)
            .param("c", customer)
            .param("subject", "retention/" + id)
            .param("opened", openedAgo)
            .param("resolved", resolvedAgo)
            .update();
        return id;
    }

    long notification(UUID alert, String status, String ago) {
        return jdbc.sql("""
                INSERT INTO notification (alert_id, channel_id, channel_type, event, status, next_attempt_at,
                    created_at)
                VALUES (:alert, NULL, 'EMAIL', 'OPENED', :status,
                        CASE WHEN :status = 'PENDING' THEN now() + interval '1 day' ELSE now() END,
                        now() - CAST(:ago AS interval))
                RETURNING id""")
            .param("alert", alert)
            .param("status", status)
            .param("ago", ago)
            .query(Long.class)
            .single();
    }

    long event(String ago, boolean relayed, boolean published) {
        return jdbc.sql("""
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at, live_published_at,
                    relayed_at)
                VALUES (gen_random_uuid(), :c, 'ONLINE', 'OFFLINE', now() - CAST(:ago AS interval),
                        CASE WHEN :published THEN now() END, CASE WHEN :relayed THEN now() END)
                RETURNING id""")
            .param("c", customer)
            .param("ago", ago)
            .param("published", published)
            .param("relayed", relayed)
            .query(Long.class)
            .single();
    }

    boolean alertExists(UUID id) {
        return count("SELECT count(*) FROM alert WHERE id = :id", "id", id) > 0;
    }

    boolean notificationExists(long id) {
        return count("SELECT count(*) FROM notification WHERE id = :id", "id", id) > 0;
    }

    boolean eventExists(long id) {
        return count("SELECT count(*) FROM connectivity_event WHERE id = :id", "id", id) > 0;
    }

}
