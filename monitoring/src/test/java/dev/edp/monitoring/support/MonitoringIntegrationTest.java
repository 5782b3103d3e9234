package dev.edp.monitoring.support;

import dev.edp.monitoring.ingest.ReportBuffer;
import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What most of monitoring's service tests use: the running service's address and checks,
 * its database and its report buffer (to write reports now instead of at the next flush).
 */
public abstract class MonitoringIntegrationTest {

    @Autowired
    protected ServiceSmokeChecks checks;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected ReportBuffer buffer;

    /**
     * @param sql a {@code SELECT count(*)} with one named parameter
     * @param name the parameter's name
     * @param value its value
     * @return the count
     */
    protected long count(String sql, String name, Object value) {
        return jdbc.sql(sql).param(name, value).query(Long.class).single();
    }

}
