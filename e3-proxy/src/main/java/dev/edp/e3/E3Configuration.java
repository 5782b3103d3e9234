package dev.edp.e3;

import java.nio.file.Path;
import java.time.Clock;

import dev.edp.e3.assertion.AssertionKeyFile;
import dev.edp.e3.assertion.DeviceAssertionGlobalFilter;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.assertion.DeviceJwksEndpoint;
import dev.edp.e3.assertion.DeviceProofKeysEndpoint;
import dev.edp.e3.assertion.JwksPublication;
import dev.edp.e3.backend.BackendConcurrencyLimit;
import dev.edp.e3.device.DeviceAuthenticationWebFilter;
import dev.edp.e3.device.RateLimiter;
import dev.edp.e3.heartbeat.HeartbeatBatchWebFilter;
import dev.edp.e3.heartbeat.HeartbeatBatcher;
import dev.edp.e3.tls.E3TlsCustomizer;
import dev.edp.e3.tls.PlatformCaServerCertificate;
import dev.edp.e3.trust.DeviceTrust;
import dev.edp.e3.trust.TrustSource;
import dev.edp.platform.client.ServiceClientProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Wires E3: trust and its refresh schedule, TLS, the door filter, the assertion and its
 * JWKS, health and metrics.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ E3Properties.class, ServiceClientProperties.class })
class E3Configuration {

    private static final Logger log = LoggerFactory.getLogger(E3Configuration.class);

    @Bean(defaultCandidate = false)
    @LoadBalanced
    WebClient.Builder e3LoadBalancedWebClientBuilder() {
        return WebClient.builder();
    }

    @Bean
    DeviceTrust deviceTrust(E3Properties properties, ResourceLoader resources,
            @LoadBalanced WebClient.Builder loadBalanced) {
        WebClient plain = WebClient.builder().build();
        WebClient balanced = loadBalanced.build();
        return new DeviceTrust(new TrustSource(properties.getTrustAnchors(), resources, plain, balanced),
                new TrustSource(properties.getCrlUrl(), resources, plain, balanced),
                properties.getRevocationStaleAfter(), properties.getRevocationMaxAge(), Clock.systemUTC(),
                properties.getPathCacheSize());
    }

    @Bean
    E3TlsCustomizer e3TlsCustomizer(E3Properties properties, SslBundles bundles, DeviceTrust trust,
            ObjectProvider<PlatformCaServerCertificate> platformCa, MeterRegistry meters) {
        return new E3TlsCustomizer(properties, bundles, trust, platformCa::getObject, meters);
    }

    /**
     * Only built (lazily, by the TLS customizer) with
     * {@code edp.e3.tls.server-certificate=platform-ca}.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    PlatformCaServerCertificate platformCaServerCertificate(E3Properties properties,
            @LoadBalanced ObjectProvider<WebClient.Builder> loadBalanced, ServiceClientProperties client,
            Environment environment) {
        var tls = properties.getTls();
        boolean balanced = ServiceUrl.isBalanced(properties.getOnboardingUrl());
        return new PlatformCaServerCertificate(properties.getOnboardingUrl(), WebClient.builder().build(),
                balanced ? loadBalanced.getObject().build() : null, client.tokenSource(environment, Clock.systemUTC()),
                tls.getDnsNames(), tls.getIpAddresses(),
                tls.getPublishChainFile() == null || tls.getPublishChainFile().isBlank() ? null
                        : Path.of(tls.getPublishChainFile()),
                tls.getRetryInterval(), Clock.systemUTC());
    }

    @Bean
    DeviceAssertionKeys deviceAssertionKeys(E3Properties properties) {
        var assertion = properties.getAssertion();
        if (assertion.getKeysFile() == null || assertion.getKeysFile().isBlank()) {
            log.warn("No edp.e3.assertion.keys-file: the device assertion keys live in this process only, which is "
                    + "right for a single E3 replica only. Several replicas need a shared key file.");
            return new DeviceAssertionKeys(Clock.systemUTC(), assertion.getTtl(), assertion.getKeyPublishLead(),
                    assertion.getCredentialCacheSize());
        }
        return DeviceAssertionKeys.shared(new AssertionKeyFile(Path.of(assertion.getKeysFile())), Clock.systemUTC(),
                assertion.getTtl(), assertion.getKeyPublishLead(), assertion.getKeyRotation(),
                assertion.getCredentialCacheSize());
    }

    @Bean
    DeviceAuthenticationWebFilter deviceAuthenticationWebFilter(E3Properties properties, DeviceTrust trust,
            MeterRegistry meters) {
        return new DeviceAuthenticationWebFilter(trust, properties.getPublicPaths(),
                properties.getStrippedHeaderPrefixes(), properties.getMaxRequestSize().toBytes(),
                new RateLimiter(properties.getRateLimit().getCapacity(),
                        properties.getRateLimit().getRefillPerSecond()),
                meters);
    }

    @Bean
    JwksPublication jwksPublication(Environment environment) {
        return new JwksPublication(environment);
    }

    @Bean
    DeviceAssertionGlobalFilter deviceAssertionGlobalFilter(DeviceAssertionKeys keys, JwksPublication publication,
            E3Properties properties) {
        return new DeviceAssertionGlobalFilter(keys, publication, properties.getStartWaitForJwks());
    }

    @Bean
    HeartbeatBatcher heartbeatBatcher(DeviceAssertionKeys keys, E3Properties properties,
            @LoadBalanced ObjectProvider<WebClient.Builder> loadBalanced, MeterRegistry meters) {
        var batch = properties.getHeartbeatBatch();
        ServiceUrl monitoring = ServiceUrl.of(batch.getMonitoringUrl());
        WebClient web = monitoring.balanced() ? loadBalanced.getObject().build() : WebClient.builder().build();
        return new HeartbeatBatcher(keys, web, monitoring, batch.getMaxItems(), batch.getMaxInFlight(),
                batch.getMaxPending(), batch.getTimeout(), meters);
    }

    @Bean
    HeartbeatBatchWebFilter heartbeatBatchWebFilter(HeartbeatBatcher batcher, DeviceAssertionKeys keys,
            JwksPublication publication, E3Properties properties) {
        var batch = properties.getHeartbeatBatch();
        return new HeartbeatBatchWebFilter(batcher, keys, publication, batch.isEnabled(), batch.getMaxBody().toBytes());
    }

    @Bean
    BackendConcurrencyLimit backendConcurrencyLimit(E3Properties properties, MeterRegistry meters) {
        return new BackendConcurrencyLimit(properties.getInFlight().getPerRoute(),
                properties.getInFlight().getLongPoll(), meters);
    }

    @Bean
    DeviceJwksEndpoint deviceJwksEndpoint(DeviceAssertionKeys keys) {
        return new DeviceJwksEndpoint(keys);
    }

    @Bean
    DeviceProofKeysEndpoint deviceProofKeysEndpoint(DeviceAssertionKeys keys) {
        return new DeviceProofKeysEndpoint(keys);
    }

    /**
     * {@code deviceTrust} in /actuator/health: DOWN while E3 fails closed (no trust
     * anchors, or the CRL past its nextUpdate or maximum age); UP with
     * {@code crlStale: true} while a stale CRL still decides.
     */
    @Bean
    HealthIndicator deviceTrustHealthIndicator(DeviceTrust trust) {
        return () -> {
            var status = trust.status();
            return (Boolean.TRUE.equals(status.get("failClosed")) ? Health.down() : Health.up()).withDetails(status)
                .build();
        };
    }

    @Bean
    TrustRefresher trustRefresher(DeviceTrust trust, DeviceAssertionKeys keys, E3Properties properties,
            MeterRegistry meters) {
        Gauge
            .builder("edp.e3.crl.age", trust,
                    t -> t.revocationsRefreshedAt() == null ? Double.NaN
                            : (System.currentTimeMillis() - t.revocationsRefreshedAt().toEpochMilli()) / 1000.0)
            .baseUnit("seconds")
            .description("Time since the CRL was last fetched or confirmed unchanged")
            .register(meters);
        Gauge.builder("edp.e3.fail.closed", trust, t -> Boolean.TRUE.equals(t.status().get("failClosed")) ? 1 : 0)
            .description("1 while protected device routes are refused because revocation status is unknown")
            .register(meters);
        Gauge.builder("edp.e3.crl.stale", trust, t -> t.revocationFresh() ? 0 : 1)
            .description("1 while the CRL could not be refreshed for edp.e3.revocation-stale-after (the last one "
                    + "still decides until it fails closed)")
            .register(meters);
        Gauge
            .builder("edp.e3.crl.fail.closed.in", trust,
                    t -> t.failClosedAt() == null ? Double.NaN
                            : Math.max(0, t.failClosedAt().toEpochMilli() - System.currentTimeMillis()) / 1000.0)
            .baseUnit("seconds")
            .description("Time left before device routes fail closed unless a CRL refresh succeeds")
            .register(meters);
        return new TrustRefresher(trust, keys, properties);
    }

}
