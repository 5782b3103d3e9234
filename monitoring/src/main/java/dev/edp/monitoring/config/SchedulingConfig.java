package dev.edp.monitoring.config;

import java.time.Clock;
import javax.sql.DataSource;

import dev.edp.platform.task.KeptAliveLocks;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Scheduled jobs, run by one replica at a time through ShedLock's table in this schema.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
@EnableConfigurationProperties(MonitoringProperties.class)
class SchedulingConfig {

    /** Locks in this schema's {@code shedlock} table, kept alive while their job runs. */
    @Bean
    KeptAliveLocks lockProvider(DataSource dataSource) {
        return new KeptAliveLocks(dataSource);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

}
