package dev.edp.platform.config;

import dev.edp.platform.problem.ProblemDetailsWebExceptionHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.codec.ServerCodecConfigurer;

/**
 * Reactive services (gateway, E3): problem details for every error, including routing
 * failures.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class EdpReactiveAutoConfiguration {

    @Bean
    ProblemDetailsWebExceptionHandler edpProblemDetailsWebExceptionHandler(ServerCodecConfigurer codecs) {
        return new ProblemDetailsWebExceptionHandler(codecs);
    }

}
