package dev.edp.platform.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * What every EDP service does the same way whatever its web stack: common metric tags, so
 * one Prometheus query can tell services and replicas apart.
 */
@AutoConfiguration
public class EdpCoreAutoConfiguration {

    @Bean
    MeterRegistryCustomizer<MeterRegistry> edpCommonTags(Environment environment) {
        String application = environment.getProperty("spring.application.name", "edp");
        String instance = instanceName();
        return registry -> registry.config().commonTags("application", application, "instance", instance);
    }

    /**
     * Host name and process id: unique per replica, stable for the process's lifetime.
     */
    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            host = "unknown";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }

}
