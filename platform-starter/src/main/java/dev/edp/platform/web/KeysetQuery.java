package dev.edp.platform.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.problem.EdpException;

/**
 * The sort order of a keyset-paged list and the SQL that continues it after a cursor.
 * <p>
 * A list is sorted by one column and then by {@code id}, so the order is total and a
 * cursor (the sort value and id of the last row shown) names exactly where the next page
 * starts: one query per page,
 * {@code WHERE (col, id) > (:after, :afterId) ORDER BY col, id LIMIT :limit + 1}, served
 * from an index on {@code (…, col, id)}. The cursor also carries the sort it was made
 * for, so a cursor replayed with another {@code sort} is refused as invalid instead of
 * being misread.
 *
 * @param sort the {@code sort} parameter as given ({@code name}, {@code -createdAt}, …)
 * @param column the column sorted by
 * @param kind how the column's values travel in a cursor
 * @param descending whether the order is descending
 */
public record KeysetQuery(String sort, String column, Kind kind, boolean descending) {

    /** How a sort column's value is written into a cursor and bound back into SQL. */
    public enum Kind {

        /** A text column. */
        TEXT,
        /** A {@code TIMESTAMPTZ} column, as an ISO-8601 instant. */
        TIMESTAMP

    }

    /** A sortable column of a list. */
    public record Column(String name, Kind kind) {
    }

    /**
     * @param sort the {@code sort} parameter: a key of {@code columns}, optionally
     * prefixed with {@code -} for descending order; null for the default
     * @param defaultSort the sort used when none is given
     * @param columns the sort keys a list offers, by the name clients use
     * @return the sort
     * @throws EdpException 400 {@code INVALID_SORT} for anything else
     */
    public static KeysetQuery parse(String sort, String defaultSort, Map<String, Column> columns) {
        String value = (sort == null || sort.isBlank()) ? defaultSort : sort.trim();
        boolean descending = value.startsWith("-");
        Column column = columns.get(descending ? value.substring(1) : value);
        if (column == null) {
            List<String> keys = columns.keySet().stream().sorted().toList();
            throw WebProblem.INVALID_SORT
                .exception("sort must be one of " + keys + ", optionally prefixed with '-' for descending order.");
        }
        return new KeysetQuery(value, column.name(), column.kind(), descending);
    }

    /**
     * @return the {@code ORDER BY} list, id last as tie-breaker
     */
    public String orderBy() {
        String direction = descending ? " DESC" : " ASC";
        return column + direction + ", id" + direction;
    }

    /**
     * The condition that starts a page after a cursor; its parameters are
     * {@code afterValue} and {@code afterId}.
     * @return the SQL condition
     */
    public String afterCondition() {
        return "(" + column + ", id) " + (descending ? "<" : ">") + " (:afterValue, :afterId)";
    }

    /**
     * @param cursor a cursor from a previous page of this list, or null for the first
     * page
     * @return the values to bind for {@link #afterCondition()}, or null on the first page
     * @throws EdpException 400 {@code INVALID_CURSOR} for a cursor this sort did not make
     */
    public Map<String, Object> after(String cursor) {
        List<String> values = Cursor.decode(cursor, 3);
        if (values.isEmpty()) {
            return null;
        }
        if (!values.get(0).equals(sort)) {
            throw invalidCursor();
        }
        try {
            Object value = switch (kind) {
                case TEXT -> values.get(1);
                case TIMESTAMP -> timestamp(storableInstant(values.get(1)));
            };
            return Map.of("afterValue", value, "afterId", UUID.fromString(values.get(2)));
        }
        catch (DateTimeParseException | IllegalArgumentException ex) {
            throw invalidCursor();
        }
    }

    /**
     * @param value the sort column's value of the last item of a page
     * @param id that item's id
     * @return the cursor values for {@link dev.edp.platform.web.KeysetPage#of}
     */
    public List<String> cursorOf(Object value, UUID id) {
        return List.of(sort, String.valueOf(value), id.toString());
    }

    /** The earliest instant taken from a caller: years before 1 are nobody's data. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    /**
     * The latest instant taken from a caller ({@code TIMESTAMPTZ} ends in 294276,
     * {@link Instant} does not).
     */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * @param instant an instant from a caller
     * @return whether it lies in years 1 to 9999, so that PostgreSQL can hold it and a
     * day more or less does not overflow
     */
    public static boolean isStorable(Instant instant) {
        return instant == null || (!instant.isBefore(EARLIEST) && !instant.isAfter(LATEST));
    }

    /**
     * @param value an ISO-8601 instant from a cursor
     * @return the instant
     * @throws DateTimeParseException when it is none or not
     * {@linkplain #isStorable(Instant) storable}
     */
    public static Instant storableInstant(String value) {
        Instant instant = Instant.parse(value);
        if (!isStorable(instant)) {
            throw new DateTimeParseException("instant out of range", value, 0);
        }
        return instant;
    }

    /**
     * @param instant an instant
     * @return the value to bind for a {@code TIMESTAMPTZ} parameter
     */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static EdpException invalidCursor() {
        return WebProblem.INVALID_CURSOR
            .exception("The cursor is not one this list handed out for this sort. Start again without a cursor.");
    }
}
