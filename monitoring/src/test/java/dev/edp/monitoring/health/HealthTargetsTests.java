package dev.edp.monitoring.health;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTargetsTests {

    static HealthProperties properties(List<HealthProperties.Extra> extra) {
        return new HealthProperties(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(15),
                Duration.ofDays(30), Duration.ofMinutes(10), 1000, extra);
    }

    static HealthTargets targets(List<HealthProperties.Extra> extra, ServiceInstance... instances) {
        DiscoveryClient registry = new DiscoveryClient() {
            @Override
            public String description() {
                return "test";
            }

            @Override
            public List<ServiceInstance> getInstances(String serviceId) {
                return List.of(instances).stream().filter(i -> i.getServiceId().equals(serviceId)).toList();
            }

            @Override
            public List<String> getServices() {
                return List.of(instances).stream().map(ServiceInstance::getServiceId).distinct().toList();
            }
        };
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("registry", registry));
        return new HealthTargets(beans.getBeanProvider(DiscoveryClient.class), properties(extra));
    }

    @Test
    void usesTheManagementPortTheRegistryAnnounces() {
        ServiceInstance instance = new DefaultServiceInstance("onboarding:abc", "ONBOARDING", "10.0.0.5", 8082, false,
                Map.of("management.port", "9182"));
        assertThat(targets(List.of(), instance).all()).containsExactly(
                new HealthTarget("onboarding", "onboarding:abc", "http://10.0.0.5:9182/actuator/health"));
    }

    @Test
    void fallsBackToApplicationPortPlusOffsetWithoutAnnouncedManagementPort() {
        ServiceInstance instance = new DefaultServiceInstance("masterdata:1", "masterdata", "10.0.0.6", 8081, false,
                Map.of());
        assertThat(targets(List.of(), instance).all()).extracting(HealthTarget::url)
                .containsExactly("http://10.0.0.6:9081/actuator/health");
    }

    @Test
    void checksConfiguredExtraUrlsUnderTheirName() {
        List<HealthTarget> all = targets(List.of(new HealthProperties.Extra("keycloak",
                "http://localhost:9180/health/ready"))).all();
        assertThat(all).containsExactly(new HealthTarget("keycloak", "localhost:9180",
                "http://localhost:9180/health/ready"));
        assertThat(URI.create(all.getFirst().url()).getPath()).isEqualTo("/health/ready");
    }
}
