package dev.edp.monitoring.ingest;

import java.util.UUID;

import dev.edp.monitoring.support.Devices;
import dev.edp.test.postgres.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** An orderly shutdown writes what is buffered before the data source closes. */
class ShutdownFlushIntegrationTests {

    static ConfigurableApplicationContext start(TestPostgres.Database database) {
        // Only the shutdown can have written what the test finds.
        return Devices.startMonitoring(database, "test", "--edp.monitoring.flush-interval=1h");
    }

    @Test
    void heartbeatsBufferedAtShutdownAreThereAfterARestart() {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        UUID customer = UUID.randomUUID();
        UUID[] devices = { UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID() };
        try (ConfigurableApplicationContext app = start(database)) {
            String baseUrl = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            for (UUID device : devices) {
                assertThat(Devices
                    .post(baseUrl, device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(77, 1))
                    .statusCode()).isEqualTo(202);
            }
            assertThat(count(app.getBean(JdbcClient.class))).isZero();
        }
        try (ConfigurableApplicationContext app = start(database)) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            assertThat(count(jdbc)).isEqualTo(3);
            assertThat(jdbc.sql("SELECT count(*) FROM heartbeat_history").query(Long.class).single()).isEqualTo(3);
        }
    }

    static long count(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM device_status WHERE uptime_seconds = 77").query(Long.class).single();
    }

}
