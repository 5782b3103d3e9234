package dev.edp.e3.openapi;

import dev.edp.platform.openapi.DeviceApi;
import dev.edp.platform.openapi.DeviceApiRoute;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The OpenAPI document of what devices may call here, at {@value DeviceApi#PATH}, public
 * like the onboarding paths (listed in {@code edp.e3.public-paths}): a device or its
 * developer reads it before there is a certificate. It is the platform starter's copy,
 * kept true by the services' tests; router functions are matched before the gateway's
 * routes.
 */
@Configuration(proxyBeanMethods = false)
class DeviceApiConfiguration {

    @Bean
    RouterFunction<ServerResponse> deviceApiDocument() {
        return DeviceApiRoute.document();
    }

}
