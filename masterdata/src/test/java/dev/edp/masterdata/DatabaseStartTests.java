package dev.edp.masterdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

import dev.edp.platform.config.EdpDefaultsEnvironmentPostProcessor;
import dev.edp.test.net.FaultProxy;
import dev.edp.test.postgres.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service's start against a PostgreSQL that does not answer its first connection (still
 * starting, or slow under load): with the starter's defaults, the pool tries again and
 * Flyway migrates (masterdata's own migrations) once the database answers, instead of the
 * service ending (CI run O: a second gateway replica exited when its only attempt timed
 * out). The database is reached through a {@link FaultProxy} that holds every byte until
 * the test lets them pass.
 */
class DatabaseStartTests {

    @Test
    void aDatabaseThatDoesNotAnswerTheFirstConnectionDelaysTheStartInsteadOfEndingIt() throws Exception {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url())) {
            proxy.freeze();
            // The database answers once the pool has given up on a connection and tried
            // another: only a start that tries again gets that far.
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                await().atMost(Duration.ofMinutes(2)).until(() -> proxy.acceptedConnections() >= 2);
                try {
                    proxy.restore();
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            new ApplicationContextRunner()
                .withInitializer(context -> new EdpDefaultsEnvironmentPostProcessor()
                    .postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
                .withConfiguration(
                        AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(database.url()),
                        "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password(), "edp.db.schema=masterdata")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(proxy.acceptedConnections()).isGreaterThanOrEqualTo(2);
                    assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                        .queryForObject("SELECT count(*) FROM masterdata.customer", Integer.class)).isZero();
                });
            answering.get();
        }
    }

}
