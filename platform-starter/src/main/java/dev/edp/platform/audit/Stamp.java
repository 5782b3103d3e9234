package dev.edp.platform.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import dev.edp.platform.web.KeysetQuery;

/**
 * Who created and last changed a record, when, and its version (also its ETag). Every
 * change goes through {@link #next}, so the version counts changes and the creation never
 * moves.
 * <p>
 * Stored in the columns {@code version, created_at, created_by, updated_at, updated_by}:
 * {@link #params()} binds them, {@link #read(ResultSet)} reads them back.
 *
 * @param version 1 when created, one more with every change
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param updatedAt when it was last changed (the creation time until then)
 * @param updatedBy who changed it last
 */
public record Stamp(long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    /**
     * @param at when, at database precision ({@link Clocks#now()})
     * @param by who ({@link dev.edp.platform.security.Tenant#actor()})
     * @return the stamp of a record created now: version 1, never changed
     */
    public static Stamp created(Instant at, String by) {
        return new Stamp(1, at, by, at, by);
    }

    /**
     * @param at when
     * @param by who
     * @return the stamp after one more change
     */
    public Stamp next(Instant at, String by) {
        return new Stamp(version + 1, createdAt, createdBy, at, by);
    }

    /**
     * @return the named parameters
     * {@code version, createdAt, createdBy, updatedAt, updatedBy} for {@code JdbcClient},
     * times as {@code TIMESTAMPTZ} values
     */
    public Map<String, Object> params() {
        Map<String, Object> params = new HashMap<>();
        params.put("version", version);
        params.put("createdAt", KeysetQuery.timestamp(createdAt));
        params.put("createdBy", createdBy);
        params.put("updatedAt", KeysetQuery.timestamp(updatedAt));
        params.put("updatedBy", updatedBy);
        return params;
    }

    /**
     * @param row a row with the columns
     * {@code version, created_at, created_by, updated_at, updated_by}
     * @return its stamp
     * @throws SQLException when a column is missing
     */
    public static Stamp read(ResultSet row) throws SQLException {
        return new Stamp(row.getLong("version"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getString("created_by"), row.getObject("updated_at", OffsetDateTime.class).toInstant(),
                row.getString("updated_by"));
    }
}
