package dev.edp.devicemanagement.config;

import java.time.Clock;
import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Scheduled jobs. The outbox relay is safe with several replicas on its own
 * ({@code FOR UPDATE SKIP LOCKED}); the rollout scheduler runs on one replica at a time
 * through ShedLock's table ({@code V1}), and its guarded updates keep it correct even
 * without the lock. The {@link Clock} is the rollouts' time (tests set their own).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
public class SchedulingConfig {

    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
            .withJdbcTemplate(new JdbcTemplate(dataSource))
            .usingDbTime()
            .build());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

}
