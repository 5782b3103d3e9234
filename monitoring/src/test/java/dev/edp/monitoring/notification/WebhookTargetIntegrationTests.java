package dev.edp.monitoring.notification;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSRF guard with the production default ({@code allow-private-webhook-targets: false});
 * plain http is allowed here so that http and https URLs both reach the target check.
 */
@MonitoringTest
@TestPropertySource(properties = { "edp.monitoring.notifications.allow-http-webhooks=true",
        "edp.monitoring.notifications.send-interval=200ms" })
class WebhookTargetIntegrationTests extends MonitoringIntegrationTest {

    @Autowired
    ChannelSecrets secrets;

    final UUID customer = UUID.randomUUID();

    final String admin = TestJwtIssuer.token("admin-" + customer, customer, "customer-admin");

    @ParameterizedTest
    @ValueSource(strings = { "http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://localhost/hook",
            "http://localhost:9084/actuator/env", "https://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data/",
            "https://[::1]:8443/hook", "https://[::ffff:192.168.0.1]/hook", "https://100.64.1.1/hook" })
    void webhooksToThePlatformNetworkAreRefusedAndNothingIsStored(String url) {
        HttpResponse<String> refused = create(url);
        ServiceSmokeChecks.assertProblem(refused, 400, "WEBHOOK_TARGET_NOT_ALLOWED");
        assertThat(JsonPath.<List<String>>read(refused.body(), "$.errors[*].field")).containsExactly("url");
        assertThat(JsonPath.<String>read(refused.body(), "$.errors[0].message")).contains("not allowed");
        assertThat(channels()).isZero();
    }

    @Test
    void publicLookingLiteralIsAccepted() {
        // 203.0.113.0/24 (TEST-NET-3) is documentation space: not routed, so not the
        // platform's network.
        HttpResponse<String> created = create("https://203.0.113.10/hooks/edp");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(channels()).isEqualTo(1);
    }

    @Test
    void storedLoopbackTargetFailsAtDeliveryWithoutARequest() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            // As if it had been stored before the guard existed, or its name now resolved
            // to loopback.
            UUID channel = UUID.randomUUID();
            jdbc.sql("""
                    INSERT INTO notification_channel (id, customer_id, name, type, url, secret_encrypted, created_at)
                    VALUES (:id, :customer, 'Old hook', 'WEBHOOK', :url, :secret, now())""")
                .param("id", channel)
                .param("customer", customer)
                .param("secret", secrets.encrypt("a-secret-of-some-length", channel))
                .param("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/old")
                .update();
            UUID alert = UUID.randomUUID();
            jdbc.sql("""
                    INSERT INTO alert (id, type, customer_id, device_id, subject, detail, opened_at, resolved_at)
                    VALUES (:id, 'DEPLOYMENT_FAILED', :customer, NULL, :subject, 'test', now(), now())""")
                .param("id", alert)
                .param("customer", customer)
                .param("subject", "ssrf/" + alert)
                .update();
            long id = jdbc.sql("""
                    INSERT INTO notification (alert_id, channel_id, channel_type, event, status, next_attempt_at,
                        created_at)
                    VALUES (:alert, :channel, 'WEBHOOK', 'OPENED', 'PENDING', now(), now()) RETURNING id""")
                .param("alert", alert)
                .param("channel", channel)
                .query(Long.class)
                .single();

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"FAILED".equals(status(id)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(status(id)).isEqualTo("FAILED");
            var row = jdbc.sql("SELECT attempts, last_error FROM notification WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
            assertThat(row.get("attempts")).isEqualTo(1);
            assertThat((String) row.get("last_error")).contains("not allowed")
                .contains("127.0.0.1")
                .contains("loopback");
            // FAILED is final (never retried), and it was decided before any request.
            assertThat(requests).hasValue(0);
        }
        finally {
            server.stop(0);
        }
    }

    String status(long id) {
        return jdbc.sql("SELECT status FROM notification WHERE id = :id").param("id", id).query(String.class).single();
    }

    long channels() {
        return count("SELECT count(*) FROM notification_channel WHERE customer_id = :c", "c", customer);
    }

    HttpResponse<String> create(String url) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/monitoring/v1/notification-channels",
                "application/json", "{\"name\":\"Hook\",\"type\":\"WEBHOOK\",\"url\":\"" + url + "\"}", admin);
    }

}
