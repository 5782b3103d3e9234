package dev.edp.platform.config;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service gets short database timeouts, so a database fault is a fast 503; servlet
 * services with a database are not ready without it but stay alive; the reactive gateway
 * keeps its readiness.
 */
class DatabaseDefaultsTests {

    static final AutoConfigurations HEALTH = AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
            HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
            AvailabilityHealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
            AvailabilityProbesAutoConfiguration.class, EdpDatabaseReadinessAutoConfiguration.class);

    static StandardEnvironment processed(WebApplicationType type) {
        StandardEnvironment environment = new StandardEnvironment();
        SpringApplication application = new SpringApplication();
        application.setWebApplicationType(type);
        new EdpDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, application);
        return environment;
    }

    @Test
    void poolAndDriverTimeoutsAreShortAndTheServerEndsLongStatementsAndLockWaits() {
        StandardEnvironment environment = processed(WebApplicationType.SERVLET);
        String driver = "spring.datasource.hikari.data-source-properties.";
        assertThat(environment.getProperty("spring.datasource.hikari.connection-timeout", Long.class)).isEqualTo(2000L);
        assertThat(environment.getProperty("spring.datasource.hikari.validation-timeout", Long.class)).isEqualTo(1000L);
        assertThat(environment.getProperty(driver + "connectTimeout", Integer.class)).isEqualTo(2);
        assertThat(environment.getProperty(driver + "loginTimeout", Integer.class)).isEqualTo(3);
        // Above the statement timeout, so the server's own cancel comes first while it
        // can still answer.
        assertThat(environment.getProperty(driver + "socketTimeout", Integer.class)).isEqualTo(20);
        assertThat(environment.getProperty(driver + "options"))
            .isEqualTo("-c statement_timeout=15s -c lock_timeout=5s");
    }

    @Test
    void servletServicesWithADatabaseAreNotReadyWithoutItButStayAlive() {
        new WebApplicationContextRunner().withConfiguration(HEALTH)
            .withPropertyValues("management.endpoint.health.probes.enabled=true")
            .withBean("dataSource", DataSource.class, DriverManagerDataSource::new)
            .withBean("dbHealthContributor", HealthIndicator.class, () -> () -> Health.down().build())
            .run(context -> {
                HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
                assertThat(groups.get("readiness").isMember("db")).isTrue();
                assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
                assertThat(groups.get("liveness").isMember("db")).isFalse();
                assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
            });
    }

    @Test
    void withoutADatabaseOrOnTheReactiveGatewayReadinessIsBootsOwn() {
        new WebApplicationContextRunner().withConfiguration(HEALTH)
            .withPropertyValues("management.endpoint.health.probes.enabled=true")
            .run(context -> assertThat(context.getBean(HealthEndpointGroups.class).get("readiness").isMember("db"))
                .isFalse());
        new ReactiveWebApplicationContextRunner().withConfiguration(HEALTH)
            .withPropertyValues("management.endpoint.health.probes.enabled=true")
            .withBean("dataSource", DataSource.class, DriverManagerDataSource::new)
            .run(context -> assertThat(context.getBean(HealthEndpointGroups.class).get("readiness").isMember("db"))
                .isFalse());
    }

}
