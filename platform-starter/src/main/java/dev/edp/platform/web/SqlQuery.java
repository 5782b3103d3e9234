package dev.edp.platform.web;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A query and its named parameters, as {@link Where} writes it.
 *
 * @param sql the SQL, with {@code :name} parameters
 * @param params the parameters' values
 */
public record SqlQuery(String sql, Map<String, Object> params) {

    /**
     * @param jdbc the database
     * @return the statement, parameters bound, ready for {@code query(…)}
     */
    public JdbcClient.StatementSpec on(JdbcClient jdbc) {
        return jdbc.sql(sql).params(params);
    }
}
