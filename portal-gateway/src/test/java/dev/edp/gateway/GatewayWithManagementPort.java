package dev.edp.gateway;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.WithTestJwtIssuer;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole gateway on random ports with its management port of its own, without Eureka.
 * {@code loggers} is exposed (it is not by default) to have a write endpoint, {@code env}
 * to have a sensitive read. The test classes that carry it share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                "management.endpoints.web.exposure.include=health,info,prometheus,metrics,loggers,env",
                "edp.portal.issuer-uri=http://keycloak.test:8180/realms/edp", "edp.portal.client-secret=test-secret" })
@interface GatewayWithManagementPort {

}
