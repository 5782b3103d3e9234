package dev.edp.monitoring.health;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

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
        assertThat(targets(List.of(), instance).all())
            .containsExactly(new HealthTarget("onboarding", "onboarding:abc", "http://10.0.0.5:9182/actuator/health"));
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
        List<HealthTarget> all = targets(
                List.of(new HealthProperties.Extra("keycloak", "http://localhost:9180/health/ready")))
            .all();
        assertThat(all)
            .containsExactly(new HealthTarget("keycloak", "localhost:9180", "http://localhost:9180/health/ready"));
        assertThat(URI.create(all.getFirst().url()).getPath()).isEqualTo("/health/ready");
    }

    /**
     * {@code edp.monitoring.health.*} as the service binds it: monitoring's
     * application.yml under the given environment variables (Spring Boot's own mapping of
     * {@code EDP_MONITORING_HEALTH_EXTRA_0_URL} to
     * {@code edp.monitoring.health.extra[0].url}).
     */
    static HealthProperties bound(Map<String, Object> environment) throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("systemEnvironment", environment));
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
            .forEach(sources::addLast);
        Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources), ApplicationConversionService.getSharedInstance());
        return binder.bindOrCreate("edp.monitoring.health", HealthProperties.class);
    }

    static List<HealthTarget> extraTargets(Map<String, Object> environment) throws IOException {
        StaticListableBeanFactory none = new StaticListableBeanFactory();
        return new HealthTargets(none.getBeanProvider(DiscoveryClient.class), bound(environment)).all();
    }

    @Test
    void withoutSettingsKeycloakOnTheLocalPlatformIsChecked() throws IOException {
        assertThat(extraTargets(Map.of()))
            .containsExactly(new HealthTarget("keycloak", "localhost:9180", "http://localhost:9180/health/ready"));
    }

    /**
     * What the Helm chart sets for production: Keycloak's and Vault's health as extra
     * URLs 0 and 1.
     */
    @Test
    void theChartsExtraUrlsAreCheckedVaultIncluded() throws IOException {
        String vault = "https://vault.example.com:8200/v1/sys/health?standbyok=true&perfstandbyok=true";
        assertThat(extraTargets(Map.of("EDP_KEYCLOAK_HEALTH_URL", "https://auth.example.com/health/ready",
                "EDP_MONITORING_HEALTH_EXTRA_0_NAME", "keycloak", "EDP_MONITORING_HEALTH_EXTRA_0_URL",
                "https://auth.example.com/health/ready", "EDP_MONITORING_HEALTH_EXTRA_1_NAME", "vault",
                "EDP_MONITORING_HEALTH_EXTRA_1_URL", vault)))
            .containsExactly(
                    new HealthTarget("keycloak", "auth.example.com:443", "https://auth.example.com/health/ready"),
                    new HealthTarget("vault", "vault.example.com:8200", vault));
        // A chart without Keycloak's health URL puts Vault first; the list replaces
        // application.yml's.
        assertThat(extraTargets(Map.of("EDP_MONITORING_HEALTH_EXTRA_0_NAME", "vault",
                "EDP_MONITORING_HEALTH_EXTRA_0_URL", "http://vault:8200/v1/sys/health")))
            .containsExactly(new HealthTarget("vault", "vault:8200", "http://vault:8200/v1/sys/health"));
    }

    /*
     * Before: an empty URL became the target "null:80", down at every check and alerting
     * forever.
     */
    @Test
    void anEmptyUrlIsNoTarget() throws IOException {
        assertThat(extraTargets(Map.of("EDP_KEYCLOAK_HEALTH_URL", ""))).isEmpty();
        assertThat(extraTargets(Map.of("EDP_MONITORING_HEALTH_EXTRA_0_NAME", "keycloak",
                "EDP_MONITORING_HEALTH_EXTRA_0_URL", " ", "EDP_MONITORING_HEALTH_EXTRA_1_NAME", "vault",
                "EDP_MONITORING_HEALTH_EXTRA_1_URL", "http://vault:8200/v1/sys/health")))
            .extracting(HealthTarget::service)
            .containsExactly("vault");
    }

    @Test
    void aUrlThatIsNotHttpStaysVisibleUnderItsOwnTextAndIsReportedDown() {
        HealthProperties.Extra mistyped = new HealthProperties.Extra("vault", "vault:8200/v1/sys/health");
        HealthTarget target = HealthTargets.of(mistyped).orElseThrow();
        assertThat(target).isEqualTo(new HealthTarget("vault", "vault:8200/v1/sys/health", "vault:8200/v1/sys/health"));
        assertThat(
                HealthTargets.of(new HealthProperties.Extra("vault", "http:///v1/sys/health")).orElseThrow().instance())
            .isEqualTo("http:///v1/sys/health");

        HealthProbe.Result result = new HealthProbe(properties(List.of()), JsonMapper.builder().build()).check(target);
        assertThat(result.up()).isFalse();
        assertThat(result.detail()).contains("IllegalArgumentException");
    }

}
