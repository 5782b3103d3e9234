package dev.edp.platform.audit;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The audit trail writer, for services with a database (see {@link AuditLog}). */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ JdbcClient.class, JsonMapper.class })
@ConditionalOnBean(JdbcClient.class)
public class EdpAuditAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AuditLog edpAuditLog(JdbcClient jdbc, ObjectProvider<JsonMapper> json) {
        return new AuditLog(jdbc, json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    @ConditionalOnMissingBean
    AuditTrail edpAuditTrail(JdbcClient jdbc, ObjectProvider<JsonMapper> json) {
        return new AuditTrail(jdbc, json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

}
