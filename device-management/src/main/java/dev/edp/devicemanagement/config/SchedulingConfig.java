package dev.edp.devicemanagement.config;

import java.time.Clock;
import javax.sql.DataSource;

import dev.edp.platform.task.KeptAliveLocks;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
