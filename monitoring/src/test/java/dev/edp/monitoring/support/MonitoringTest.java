package dev.edp.monitoring.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.edp.test.service.EdpServiceTest;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link EdpServiceTest} that trusts the test "E3" of {@link Devices} and asks
 * {@link TestCustomers} whether customers are active; one shared context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@EdpServiceTest
@ContextConfiguration(initializers = Devices.Initializer.class)
@Import(TestCustomers.class)
public @interface MonitoringTest {

}
