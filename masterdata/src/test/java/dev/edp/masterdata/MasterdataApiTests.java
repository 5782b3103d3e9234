package dev.edp.masterdata;

import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the tests of masterdata's API share: a client of the service under test and its
 * database, to check what a call stored.
 */
public abstract class MasterdataApiTests {

    @Autowired
    protected ServiceSmokeChecks checks;

    @Autowired
    protected JdbcClient jdbc;

    protected Api api;

    @BeforeEach
    void createApiClient() {
        api = new Api(checks);
    }

}
