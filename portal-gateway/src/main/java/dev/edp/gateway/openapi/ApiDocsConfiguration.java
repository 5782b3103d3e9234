package dev.edp.gateway.openapi;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.edp.platform.gateway.EdpCircuitBreakerGatewayFilterFactory;
import dev.edp.platform.openapi.DeviceApi;
import dev.edp.platform.openapi.DeviceApiRoute;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The API documents for the gateway's Swagger UI ({@code /swagger-ui.html}, configured
 * under {@code springdoc.swagger-ui.urls}): each service's own {@code /v3/api-docs},
 * reachable here at {@code /api/<prefix>/v3/api-docs} (the prefix its API routes use),
 * and the document of E3's device API at {@value DeviceApi#PATH}. Like every gateway path
 * but the login's, they need the portal session or a bearer token; internal service
 * endpoints are not in the documents.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

    /** Service id in the registry → the path prefix of its routes. */
    static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("masterdata", "masterdata");
        SERVICES.put("onboarding", "onboarding");
        SERVICES.put("device-management", "devices");
        SERVICES.put("monitoring", "monitoring");
    }

    /**
     * Ahead of the services' own routes, which would send the path to the service
     * unchanged.
     */
    @Bean
    RouteLocator apiDocsRoutes(RouteLocatorBuilder routes, EdpCircuitBreakerGatewayFilterFactory breakers) {
        RouteLocatorBuilder.Builder builder = routes.routes();
        // Routes built here get no default filters: the platform's breaker is added by
        // hand, so a stopped service is the same 503 problem as on its API routes.
        SERVICES.forEach((service, prefix) -> builder.route("api-docs-" + service, route -> route.order(-1)
            .path("/api/" + prefix + "/v3/api-docs")
            .and()
            .method(HttpMethod.GET)
            .filters(filters -> filters.setPath("/v3/api-docs")
                .removeRequestHeader(HttpHeaders.COOKIE)
                .filter(breakers
                    .apply(breakers.newConfig().setName("api-docs-" + service).setFallbackUri("forward:/fallback"))))
            .uri("lb://" + service)));
        return builder.build();
    }

    @Bean
    RouterFunction<ServerResponse> deviceApiDocument() {
        return DeviceApiRoute.document();
    }

}
