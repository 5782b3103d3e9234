package dev.edp.test.postgres;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the Spring test context of the annotated class a fresh database on the JVM's real
 * PostgreSQL ({@link TestPostgres}): {@code spring.datasource.*} point at it, so the
 * service's own Flyway migrations run against it when the context starts. Test classes
 * that share the same context configuration share the context, and so the database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithPostgres {

}
