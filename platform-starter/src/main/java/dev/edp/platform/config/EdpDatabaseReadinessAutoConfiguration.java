package dev.edp.platform.config;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.context.annotation.Bean;

/**
 * Servlet services with a database are ready only while it answers
 * ({@link DatabaseReadiness}). After Boot's probes, which create the readiness group this
 * extends. The reactive gateway keeps its readiness: only browser sessions need its
 * database, bearer-token API calls do not.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor")
@ConditionalOnBean(DataSource.class)
public class EdpDatabaseReadinessAutoConfiguration {

    @Bean
    HealthEndpointGroupsPostProcessor edpDatabaseReadiness() {
        return new DatabaseReadiness();
    }

}
