package dev.edp.platform.config;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Eureka client's URL carries the registry credentials, encoded so that any password
 * survives.
 */
class RegistryUrlTests {

    static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }

    @Test
    void credentialsBecomeTheUrlsUserInfoAndDecodeToWhatWasConfigured() {
        String password = "p@ss w%rd/ü+?#";
        String url = EdpDefaultsEnvironmentPostProcessor.registryUrl(environment(
                Map.of("EUREKA_URL", "http://registry.internal:8761/eureka/", "edp.registry.password", password)));

        URI uri = URI.create(url);
        assertThat(uri.getHost()).isEqualTo("registry.internal");
        assertThat(uri.getPath()).isEqualTo("/eureka/");
        // What Spring Cloud's Eureka transports read and send as HTTP Basic.
        assertThat(uri.getUserInfo()).isEqualTo("edp:" + password);
    }

    @Test
    void everyZoneGetsTheCredentialsAndAGivenUserInfoIsKept() {
        String url = EdpDefaultsEnvironmentPostProcessor
            .registryUrl(environment(Map.of("EUREKA_URL", "http://a:8761/eureka/, http://other:secret@b:8761/eureka/",
                    "edp.registry.username", "svc", "edp.registry.password", "s3cret")));

        assertThat(url).isEqualTo("http://svc:s3cret@a:8761/eureka/,http://other:secret@b:8761/eureka/");
    }

    @Test
    void withoutPasswordTheUrlIsLeftAsConfiguredOrTheRegistryDefault() {
        assertThat(EdpDefaultsEnvironmentPostProcessor.registryUrl(environment(Map.of())))
            .isEqualTo("http://localhost:8761/eureka/");
        assertThat(EdpDefaultsEnvironmentPostProcessor
            .registryUrl(environment(Map.of("edp.registry.url", "http://localhost:18761/eureka/"))))
            .isEqualTo("http://localhost:18761/eureka/");
    }

    @Test
    void aColonInThePasswordIsRefusedBecauseTheEurekaClientWouldSendNoCredentials() {
        assertThatIllegalStateException()
            .isThrownBy(() -> EdpDefaultsEnvironmentPostProcessor
                .registryUrl(environment(Map.of("edp.registry.password", "a:b"))))
            .withMessageContaining("EDP_REGISTRY_PASSWORD");
    }

}
