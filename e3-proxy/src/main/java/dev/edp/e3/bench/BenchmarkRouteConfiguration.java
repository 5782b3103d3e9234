package dev.edp.e3.bench;

import dev.edp.e3.E3Properties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The benchmark's no-op route ({@code ./edp bench}): {@code /bench/noop} forwarded to
 * {@code edp.e3.benchmark.noop-url} (env {@code EDP_E3_BENCHMARK_NOOP_URL}), so E3's own
 * cost per request can be compared with nginx doing the same mTLS proxying to the same
 * upstream. It passes the same door as every device route (client certificate,
 * revocation, rate limit, identity assertion). Absent unless that property is set; never
 * set in production.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("edp.e3.benchmark.noop-url")
class BenchmarkRouteConfiguration {

    static final String PATH = "/bench/noop";

    @Bean
    RouteLocator benchmarkNoopRoute(RouteLocatorBuilder routes, E3Properties properties) {
        String noopUrl = properties.getBenchmark().getNoopUrl();
        return routes.routes().route("benchmark-noop", route -> route.path(PATH).uri(noopUrl)).build();
    }

}
