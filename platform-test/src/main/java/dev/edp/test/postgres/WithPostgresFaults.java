package dev.edp.test.postgres;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * With {@link WithPostgres} (or {@code @EdpServiceTest}): the service reaches its fresh
 * database through a {@link dev.edp.test.net.FaultProxy}, which is a bean of the test
 * context, so a test can cut, freeze and restore PostgreSQL as the service sees it. A
 * test that cuts or freezes restores it before it ends (the context is cached and
 * shared).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithPostgresFaults {

}
