package dev.edp.onboarding;

import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What most of onboarding's service tests use: the running service's address and checks,
 * and its database.
 */
public abstract class OnboardingIntegrationTest {

    @Autowired
    protected ServiceSmokeChecks checks;

    @Autowired
    protected JdbcClient jdbc;

}
