package dev.edp.monitoring.health;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vault watched by the service health checker as the Helm chart configures it
 * ({@code EDP_MONITORING_HEALTH_EXTRA_n_NAME=vault},
 * {@code ..._URL=<address>/v1/sys/health?standbyok=true&perfstandbyok=true}), against a
 * server that answers {@code /v1/sys/health} as Vault documents it: 200 for an active
 * node and, with {@code standbyok}, a standby; 503 sealed; 501 not initialised; 429 a
 * standby without {@code standbyok}. Its JSON has no {@code status}, so the HTTP status
 * decides.
 */
@MonitoringTest
class VaultHealthIntegrationTests {

    /** initialized/sealed/standby of the node the stand-in plays. */
    enum Node {

        ACTIVE(true, false, false), STANDBY(true, false, true), SEALED(true, true, false),
        UNINITIALIZED(false, true, false);

        final boolean initialized;

        final boolean sealed;

        final boolean standby;

        Node(boolean initialized, boolean sealed, boolean standby) {
            this.initialized = initialized;
            this.sealed = sealed;
            this.standby = standby;
        }

    }

    @Autowired
    ServiceHealthChecker checker;

    @Autowired
    JdbcClient jdbc;

    final AtomicReference<Node> node = new AtomicReference<>(Node.ACTIVE);

    HttpServer vault;

    @AfterEach
    void stop() {
        if (vault != null) {
            vault.stop(0);
        }
    }

    void startVault() throws IOException {
        vault = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        vault.createContext("/v1/sys/health", this::health);
        vault.start();
    }

    /**
     * The status codes of Vault's sys/health, with its default codes and the standbyok
     * parameter.
     */
    private void health(HttpExchange exchange) throws IOException {
        Node current = node.get();
        boolean standbyOk = String.valueOf(exchange.getRequestURI().getQuery()).contains("standbyok=true");
        int status = !current.initialized ? 501 : current.sealed ? 503 : current.standby && !standbyOk ? 429 : 200;
        byte[] body = ("{\"initialized\":" + current.initialized + ",\"sealed\":" + current.sealed + ",\"standby\":"
                + current.standby + ",\"performance_standby\":false,\"replication_performance_mode\":\"disabled\","
                + "\"replication_dr_mode\":\"disabled\",\"server_time_utc\":" + System.currentTimeMillis() / 1000
                + ",\"version\":\"1.20.0\",\"cluster_name\":\"vault-cluster-edp\",\"cluster_id\":"
                + "\"a1b2c3d4-0000-4000-8000-000000000001\"}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    List<HealthTarget> chartTargets() throws IOException {
        String address = "http://127.0.0.1:" + vault.getAddress().getPort();
        HealthProperties chart = HealthTargetsTests.bound(Map.of("EDP_MONITORING_HEALTH_EXTRA_0_NAME", "vault",
                "EDP_MONITORING_HEALTH_EXTRA_0_URL", address + "/v1/sys/health?standbyok=true&perfstandbyok=true"));
        return new HealthTargets(new StaticListableBeanFactory().getBeanProvider(DiscoveryClient.class), chart).all();
    }

    Boolean recorded(String instance) {
        return jdbc.sql("SELECT up FROM service_health WHERE service = 'vault' AND instance = :i")
            .param("i", instance)
            .query(Boolean.class)
            .single();
    }

    @Test
    void vaultIsUpWhileActiveOrStandbyAndDownWhileSealedOrUninitialised() throws IOException {
        startVault();
        List<HealthTarget> targets = chartTargets();
        assertThat(targets).singleElement().satisfies(target -> {
            assertThat(target.service()).isEqualTo("vault");
            assertThat(URI.create(target.url()).getPath()).isEqualTo("/v1/sys/health");
        });
        String instance = targets.getFirst().instance();

        assertThat(checker.checkAll(targets)).isEmpty();
        assertThat(recorded(instance)).isTrue();

        node.set(Node.STANDBY);
        assertThat(checker.checkAll(targets)).as("a standby answers 200 with standbyok").isEmpty();
        assertThat(recorded(instance)).isTrue();

        node.set(Node.SEALED);
        assertThat(checker.checkAll(targets)).singleElement().satisfies(change -> {
            assertThat(change.service()).isEqualTo("vault");
            assertThat(change.up()).isFalse();
            assertThat(change.detail()).isEqualTo("HTTP 503");
        });
        assertThat(recorded(instance)).isFalse();

        node.set(Node.UNINITIALIZED);
        assertThat(checker.checkAll(targets)).as("still down: no new transition").isEmpty();

        node.set(Node.ACTIVE);
        assertThat(checker.checkAll(targets)).singleElement().satisfies(change -> assertThat(change.up()).isTrue());
        assertThat(jdbc
            .sql("SELECT type FROM live_event WHERE customer_id IS NULL AND data->>'service' = 'vault' "
                    + "AND data->>'instance' = :i ORDER BY id")
            .param("i", instance)
            .query(String.class)
            .list()).containsExactly("service.down", "service.up");
    }

}
