package dev.edp.onboarding;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What onboarding's OpenAPI document adds to the starter's: EST enrollment authenticates
 * with the onboarding token as the HTTP Basic password ({@value #EST_TOKEN}).
 */
@Configuration(proxyBeanMethods = false)
public class OnboardingOpenApi {

    /** Security scheme of EST {@code simpleenroll}. */
    public static final String EST_TOKEN = "est-onboarding-token";

    @Bean
    OpenApiCustomizer estTokenScheme() {
        return api -> {
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            api.getComponents()
                .addSecuritySchemes(EST_TOKEN,
                        new SecurityScheme().type(SecurityScheme.Type.HTTP)
                            .scheme("basic")
                            .description("EST (RFC 7030): the onboarding token as the HTTP Basic password; "
                                    + "the user name is ignored."));
        };
    }

}
