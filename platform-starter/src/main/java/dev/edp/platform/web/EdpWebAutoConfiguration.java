package dev.edp.platform.web;

import java.util.List;

import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.security.Tenant;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lists in servlet services: controllers take a {@link ListRequest}, and with springdoc
 * on the classpath the OpenAPI description shows its query parameters instead of the Java
 * parameter (as it hides the {@link Tenant} and {@link DevicePrincipal} parameters, which
 * come from the token and E3's assertion, not from the caller's query).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
public class EdpWebAutoConfiguration {

    @Bean
    WebMvcConfigurer edpListRequestArgumentResolver() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new ListRequestArgumentResolver());
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(GlobalOperationCustomizer.class)
    static class OpenApi {

        @Bean
        GlobalOperationCustomizer edpListRequestOperationCustomizer() {
            SpringDocUtils.getConfig()
                .addRequestWrapperToIgnore(ListRequest.class, Tenant.class, DevicePrincipal.class);
            return new ListRequestOperationCustomizer();
        }

    }

}
