package dev.edp.devicemanagement.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Scheduled jobs (the outbox relay). Each job is safe with several replicas on its own
 * ({@code FOR UPDATE SKIP LOCKED}), so no scheduler lock is needed for it.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class SchedulingConfig {

}
