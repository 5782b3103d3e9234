package dev.edp.platform.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code WHERE} clause of a list query, built from typed filters: each condition is
 * added only when its value is present, every value is a named parameter (never SQL
 * text), and the keyset condition and order come from the page's {@link Keyset}.
 *
 * <pre>
 * SqlQuery query = new Where()
 *         .equal("customer_id", scope)          // skipped when null
 *         .equal("type", filter.type())         // enums bind their name, instants as TIMESTAMPTZ
 *         .containsText(filter.text(), "name")  // ILIKE '%…%', wildcards escaped
 *         .containsAll("labels", filter.labels())
 *         .page("SELECT * FROM machine", keyset);
 * List&lt;Machine&gt; rows = query.on(jdbc).query(this::map).list();
 * </pre>
 *
 * Column names and {@link #condition(String)} texts are SQL written in code; values from
 * callers only ever go in as parameters.
 */
public final class Where {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String LIMIT = "limit";

    /** The names {@link #page} and the keyset condition bind. */
    private static final Set<String> RESERVED = Set.of(LIMIT, "afterValue", "afterId");

    private final List<String> conditions = new ArrayList<>();

    private final Map<String, Object> params = new HashMap<>();

    /**
     * {@code column = :value}, unless the value is null.
     * @param column the column
     * @param value the value, or null for no condition
     * @return this
     */
    public Where equal(String column, Object value) {
        if (value != null) {
            conditions.add(column + " = :" + param(column, value));
        }
        return this;
    }

    /**
     * {@code column > :value}, unless the value is null: where a page of a list in one
     * unique column's ascending order starts after its cursor.
     * @param column the column
     * @param value the last value shown, or null on the first page
     * @return this
     */
    public Where greaterThan(String column, Object value) {
        if (value != null) {
            conditions.add(column + " > :" + param(column, value));
        }
        return this;
    }

    /**
     * {@code column < :value}, unless the value is null: the same for a descending order.
     * @param column the column
     * @param value the last value shown, or null on the first page
     * @return this
     */
    public Where lessThan(String column, Object value) {
        if (value != null) {
            conditions.add(column + " < :" + param(column, value));
        }
        return this;
    }

    /**
     * A fixed condition, e.g. {@code lifecycle <> 'DECOMMISSIONED'}.
     * @param sql SQL written in code, never text from a caller
     * @return this
     */
    public Where condition(String sql) {
        conditions.add(sql);
        return this;
    }

    /**
     * Rows where any of the columns contains the text, ignoring case ({@code ILIKE}, with
     * {@code %}, {@code _} and {@code \} in the text taken literally); nothing when the
     * text is null or blank.
     * @param text the search text, stripped
     * @param columns the text columns searched
     * @return this
     */
    public Where containsText(String text, String... columns) {
        if (text != null && !text.isBlank()) {
            String name = param("text",
                    "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            List<String> matches = new ArrayList<>();
            for (String column : columns) {
                matches.add(column + " ILIKE :" + name);
            }
            conditions.add(matches.size() == 1 ? matches.getFirst() : "(" + String.join(" OR ", matches) + ")");
        }
        return this;
    }

    /**
     * Rows whose {@code jsonb} object column holds all these entries ({@code @>});
     * nothing when there are none.
     * @param column the {@code jsonb} column
     * @param entries the entries, or null
     * @return this
     */
    public Where containsAll(String column, Map<String, String> entries) {
        if (entries != null && !entries.isEmpty()) {
            conditions.add(column + " @> CAST(:" + param(column, JSON.writeValueAsString(entries)) + " AS jsonb)");
        }
        return this;
    }

    /**
     * The page's keyset condition {@code (sortcol, id) > (:afterValue, :afterId)}, if it
     * has a cursor.
     * @param keyset the page
     * @return this
     */
    public Where after(Keyset<?> keyset) {
        if (keyset.afterCondition() != null) {
            conditions.add(keyset.afterCondition());
            params.putAll(keyset.afterParams());
        }
        return this;
    }

    /**
     * @return {@code " WHERE a AND b"}, or the empty string without conditions
     */
    public String sql() {
        return sql(conditions);
    }

    /**
     * @return the parameters of {@link #sql()}
     */
    public Map<String, Object> params() {
        return Map.copyOf(params);
    }

    /**
     * The one query that reads a page: these conditions and the keyset's, in keyset
     * order, one row more than the page (the extra row only says there is a next page).
     * @param select {@code SELECT … FROM …}, without {@code WHERE}
     * @param keyset the page
     * @return the query
     */
    public SqlQuery page(String select, Keyset<?> keyset) {
        List<String> where = new ArrayList<>(conditions);
        Map<String, Object> all = new HashMap<>(params);
        if (keyset.afterCondition() != null) {
            where.add(keyset.afterCondition());
            all.putAll(keyset.afterParams());
        }
        all.put(LIMIT, keyset.limit() + 1);
        return new SqlQuery(select + sql(where) + " ORDER BY " + keyset.orderBy() + " LIMIT :" + LIMIT, all);
    }

    /**
     * The query of a page of a list with one fixed order by a unique column (its cursor
     * is that column's value, {@link Cursor#decodeSingle}): these conditions, that order,
     * one row more than the page.
     * @param select {@code SELECT … FROM …}, without {@code WHERE}
     * @param orderBy the order, SQL written in code (e.g. {@code "id"},
     * {@code "id DESC"})
     * @param limit the page size
     * @return the query
     */
    public SqlQuery page(String select, String orderBy, int limit) {
        Map<String, Object> all = new HashMap<>(params);
        all.put(LIMIT, limit + 1);
        return new SqlQuery(select + sql(conditions) + " ORDER BY " + orderBy + " LIMIT :" + LIMIT, all);
    }

    private static String sql(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Binds a value under a name derived from the column, unique in this clause. */
    private String param(String column, Object value) {
        String base = column.replaceAll("\\W", "_");
        String name = base;
        for (int i = 2; params.containsKey(name) || RESERVED.contains(name); i++) {
            name = base + "_" + i;
        }
        params.put(name, bindable(value));
        return name;
    }

    private static Object bindable(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        if (value instanceof Instant instant) {
            return KeysetQuery.timestamp(instant);
        }
        return value;
    }

}
