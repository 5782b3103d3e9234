package dev.edp.monitoring.alert;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.TestClock;
import dev.edp.test.service.EdpServiceTest;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link dev.edp.monitoring.support.MonitoringTest} with GreenMail, the webhook receiver,
 * short alert intervals and a {@link TestClock} the tests can freeze and advance; one
 * shared context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@EdpServiceTest
@ContextConfiguration(initializers = { Devices.Initializer.class, NotificationServers.Initializer.class })
@Import(TestClock.class)
@interface AlertTest {

}
