package dev.edp.monitoring.config;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Scheduled jobs, run by one replica at a time through ShedLock's table in this schema.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
@EnableConfigurationProperties(MonitoringProperties.class)
class SchedulingConfig {

    /**
     * Locks in this schema's {@code shedlock} table, kept alive while their job runs
     * (extended every half {@code lockAtMostFor}): a job may run longer than its
     * {@code lockAtMostFor}, which therefore only says how soon another replica takes a
     * job over from one that died holding its lock (30 s for sending notifications).
     */
    @Bean(destroyMethod = "")
    LockProvider lockProvider(DataSource dataSource, ScheduledExecutorService lockKeepAlive) {
        return new KeepAliveLockProvider(new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
            .withJdbcTemplate(new JdbcTemplate(dataSource))
            .usingDbTime()
            .build()), lockKeepAlive);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService lockKeepAlive() {
        return Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("shedlock-keep-alive").daemon().factory());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

}
