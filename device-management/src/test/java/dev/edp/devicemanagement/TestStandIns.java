package dev.edp.devicemanagement;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points every service context of this test JVM at the JVM's stand-ins: "E3"'s keys
 * ({@link TestDevices}) and the services device-management calls ({@link TestBackends}).
 */
public final class TestStandIns implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addFirst(new MapPropertySource("testDeviceJwks", TestDevices.properties()));
        environment.getPropertySources().addFirst(new MapPropertySource("testBackends", TestBackends.properties()));
    }

}
