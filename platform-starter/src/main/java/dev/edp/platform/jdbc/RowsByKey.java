package dev.edp.platform.jdbc;

import java.util.Objects;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The two reads every repository has for its table's key: the row as it is, and the row
 * locked for an update in the caller's transaction ({@code FOR UPDATE}).
 *
 * <pre>
 * private final RowsByKey&lt;Device&gt; byId = new RowsByKey&lt;&gt;(jdbc, "device", COLUMNS, "id", this::map);
 * Optional&lt;Device&gt; find(UUID id) { return byId.find(id); }
 * </pre>
 *
 * The table, its columns and the key column are the repository's own constants, never
 * input; the key value is a bind parameter.
 *
 * @param <T> what a row maps to
 */
public final class RowsByKey<T> {

    private final JdbcClient jdbc;

    private final String select;

    private final RowMapper<T> mapper;

    /**
     * @param jdbc the service's database
     * @param table the table
     * @param columns the select list ({@code *} or the mapper's columns)
     * @param key the key column
     * @param mapper maps one row
     */
    public RowsByKey(JdbcClient jdbc, String table, String columns, String key, RowMapper<T> mapper) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.select = "SELECT " + columns + " FROM " + table + " WHERE " + key + " = :key";
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * @param key the key's value
     * @return the row, if there is one
     */
    public Optional<T> find(Object key) {
        return query(this.select, key);
    }

    /**
     * @param key the key's value
     * @return the row, locked until the caller's transaction ends, if there is one
     */
    public Optional<T> findForUpdate(Object key) {
        return query(this.select + " FOR UPDATE", key);
    }

    private Optional<T> query(String sql, Object key) {
        return this.jdbc.sql(sql).param("key", key).query(this.mapper).optional();
    }

}
