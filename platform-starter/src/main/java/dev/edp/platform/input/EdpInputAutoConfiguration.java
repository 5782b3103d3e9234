package dev.edp.platform.input;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Untrusted text and request size at every edge: {@link RequestInputFilter} in the
 * servlet services, {@link ReactiveRequestInputFilter} in the gateways, both with the
 * limits of {@link WebInputProperties} ({@code edp.web.*}); dates and times in JSON
 * bodies that PostgreSQL cannot hold are refused by {@link StorableTimesModule}; a JSON
 * object that names a member twice is malformed (400 {@code MALFORMED_REQUEST_BODY}), not
 * "the last one wins": a check that reads the first and a binder that keeps the last
 * would see different requests.
 */
@AutoConfiguration
@ConditionalOnClass(JsonMapper.class)
@EnableConfigurationProperties(WebInputProperties.class)
public class EdpInputAutoConfiguration {

    @Bean
    StorableTimesModule edpStorableTimesModule() {
        return new StorableTimesModule();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JsonMapperBuilderCustomizer.class)
    static class Json {

        @Bean
        JsonMapperBuilderCustomizer edpStrictDuplicateDetection() {
            return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Servlet {

        @Bean
        RequestInputFilter edpRequestInputFilter(WebInputProperties properties, ObjectProvider<JsonMapper> json) {
            JsonMapper mapper = json.getIfAvailable();
            return new RequestInputFilter(properties,
                    mapper == null ? JsonFactory.builder().build() : mapper.tokenStreamFactory());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {

        @Bean
        ReactiveRequestInputFilter edpReactiveRequestInputFilter(WebInputProperties properties) {
            return new ReactiveRequestInputFilter(properties);
        }

    }

}
