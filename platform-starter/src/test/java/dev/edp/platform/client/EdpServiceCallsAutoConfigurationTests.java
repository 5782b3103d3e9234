package dev.edp.platform.client;

import dev.edp.platform.config.EdpServiceClientsAutoConfiguration;
import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpServiceCallsAutoConfiguration}: applies to servlet services, binds its
 * settings, backs off.
 */
class EdpServiceCallsAutoConfigurationTests {

    private static final String TOKEN_PATH = "/realms/edp/protocol/openid-connect/token";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(EdpServiceClientsAutoConfiguration.class, EdpServiceCallsAutoConfiguration.class));

    @Test
    void aServletServiceGetsServiceCallsWithATokenFromTheIssuersEndpointAndTheSecretFromTheEnvironment() {
        try (StubBackend keycloak = StubBackend.start()
            .script(TOKEN_PATH, new StubBackend.Answer(200, "application/json",
                    "{\"access_token\":\"t\",\"expires_in\":300}", 0))) {
            runner
                .withPropertyValues(
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + keycloak.url() + "/realms/edp",
                        "EDP_SERVICES_CLIENT_SECRET=from-env")
                .run(context -> {
                    assertThat(context).hasSingleBean(ServiceCalls.class)
                        .hasSingleBean(ClientCredentialsTokenSource.class);
                    assertThat(context.getBean(ServiceTokenSource.class).accessToken()).isEqualTo("t");
                    assertThat(keycloak.received()).singleElement()
                        .satisfies(request -> assertThat(request.body())
                            .isEqualTo("grant_type=client_credentials&client_id=edp-services&client_secret=from-env"));
                });
        }
    }

    @Test
    void configuredClientSettingsAreBoundAndWinOverTheDefaults() {
        try (StubBackend keycloak = StubBackend.start()
            .script("/token", new StubBackend.Answer(200, "application/json",
                    "{\"access_token\":\"u\",\"expires_in\":300}", 0))) {
            runner
                .withPropertyValues("edp.service-client.token-uri=" + keycloak.url() + "/token",
                        "edp.service-client.client-id=other", "edp.service-client.client-secret=s",
                        "EDP_SERVICES_CLIENT_SECRET=ignored")
                .run(context -> {
                    assertThat(context.getBean(ServiceClientProperties.class).clientId()).isEqualTo("other");
                    assertThat(context.getBean(ServiceTokenSource.class).accessToken()).isEqualTo("u");
                    assertThat(keycloak.received().getFirst().body())
                        .isEqualTo("grant_type=client_credentials&client_id=other&client_secret=s");
                });
        }
    }

    @Test
    void backsOffForTheServicesOwnTokenSource() {
        ServiceTokenSource own = () -> "own";
        runner.withBean(ServiceTokenSource.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(ClientCredentialsTokenSource.class).hasSingleBean(ServiceCalls.class);
            assertThat(context.getBean(ServiceTokenSource.class)).isSameAs(own);
        });
    }

    @Test
    void doesNotApplyOutsideAServletApplication() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EdpServiceClientsAutoConfiguration.class,
                    EdpServiceCallsAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(ServiceCalls.class)
                .doesNotHaveBean(ServiceTokenSource.class));
    }

}
