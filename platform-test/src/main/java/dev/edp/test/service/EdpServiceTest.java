package dev.edp.test.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.WithTestJwtIssuer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * A whole EDP service on random ports (application and management), against a fresh
 * database on the real test PostgreSQL, trusting
 * {@link dev.edp.test.security.TestJwtIssuer}'s tokens, without a registry: discovery is
 * switched off so a test needs nothing but itself. Contexts are cached and shared by test
 * classes with the same configuration.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0" })
@ActiveProfiles("test")
@WithPostgres
@WithTestJwtIssuer
@Import(ServiceSmokeChecks.class)
public @interface EdpServiceTest {

}
