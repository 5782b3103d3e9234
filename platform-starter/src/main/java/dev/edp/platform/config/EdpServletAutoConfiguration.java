package dev.edp.platform.config;

import java.time.Instant;

import dev.edp.platform.problem.ProblemDetailsExceptionHandler;
import dev.edp.platform.problem.ProblemErrorController;
import dev.edp.platform.problem.ProblemErrorReportValve;
import dev.edp.platform.web.ServiceStatus;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Servlet services: problem details for every error path, including the container's error
 * page, and the status endpoint under the service's API prefix.
 */
@AutoConfiguration(beforeName = { "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ServiceProperties.class)
public class EdpServletAutoConfiguration {

    @Bean
    ProblemDetailsExceptionHandler edpProblemDetailsExceptionHandler() {
        return new ProblemDetailsExceptionHandler();
    }

    @Bean
    ProblemErrorController edpProblemErrorController() {
        return new ProblemErrorController();
    }

    @Bean
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> edpProblemErrorReportValve() {
        return new ProblemErrorReportValveCustomizer();
    }

    /**
     * Runs after Boot's own customizer, so it replaces the error report valve that Boot
     * adds.
     */
    static class ProblemErrorReportValveCustomizer
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ProblemErrorReportValve());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

    }

    @Bean
    @ConditionalOnProperty("edp.service.api-prefix")
    RouterFunction<ServerResponse> edpStatusRoute(ServiceProperties properties, Environment environment,
            ObjectProvider<BuildProperties> build) {
        String service = environment.getProperty("spring.application.name", "edp");
        return RouterFunctions.route()
            .GET(properties.statusPath(),
                    request -> ServerResponse.ok()
                        .body(new ServiceStatus(service,
                                build.getIfAvailable() == null ? "dev" : build.getIfAvailable().getVersion(), "UP",
                                Instant.now())))
            .build();
    }

}
