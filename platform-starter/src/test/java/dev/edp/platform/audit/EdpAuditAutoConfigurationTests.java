package dev.edp.platform.audit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpAuditAutoConfiguration}: the audit log and trail for a service with a
 * database, backing off.
 */
class EdpAuditAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EdpAuditAutoConfiguration.class))
        .withBean(JsonMapper.class, JsonMapper::new);

    private static JdbcClient jdbc() {
        // Never connected: the beans only hold it.
        return JdbcClient.create(new SimpleDriverDataSource());
    }

    @Test
    void aServiceWithADatabaseGetsTheAuditLogAndTrail() {
        runner.withBean(JdbcClient.class, EdpAuditAutoConfigurationTests::jdbc)
            .run(context -> assertThat(context).hasSingleBean(AuditLog.class).hasSingleBean(AuditTrail.class));
    }

    @Test
    void aServiceWithoutADatabaseGetsNeither() {
        runner.run(context -> assertThat(context).doesNotHaveBean(AuditLog.class).doesNotHaveBean(AuditTrail.class));
    }

    @Test
    void backsOffForTheServicesOwnAuditLog() {
        AuditLog own = new AuditLog(jdbc(), new JsonMapper());
        runner.withBean(JdbcClient.class, EdpAuditAutoConfigurationTests::jdbc)
            .withBean(AuditLog.class, () -> own)
            .run(context -> {
                assertThat(context.getBean(AuditLog.class)).isSameAs(own);
                assertThat(context).hasSingleBean(AuditTrail.class);
            });
    }

}
