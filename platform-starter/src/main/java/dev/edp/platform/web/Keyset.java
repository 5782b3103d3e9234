package dev.edp.platform.web;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One page of a keyset-paged list, ready for SQL: its order
 * ({@code ORDER BY sortcol, id}), where it starts
 * ({@code (sortcol, id) > (:afterValue, :afterId)} after a cursor) and its size. Made by
 * {@link KeysetSorts#keyset(ListRequest)}; {@link Where#page(String, Keyset)} writes the
 * query, {@link #page(List)} turns the rows into the page with the next cursor.
 *
 * @param <T> the item type
 */
public final class Keyset<T> {

    private final KeysetQuery order;

    private final Map<String, Object> after;

    private final int limit;

    private final Function<T, List<String>> cursorOf;

    Keyset(KeysetQuery order, Map<String, Object> after, int limit, Function<T, List<String>> cursorOf) {
        this.order = order;
        this.after = after;
        this.limit = limit;
        this.cursorOf = cursorOf;
    }

    /**
     * @return the page size asked for; a query reads one row more
     */
    public int limit() {
        return limit;
    }

    /**
     * @return the {@code ORDER BY} list, id last as tie-breaker
     */
    public String orderBy() {
        return order.orderBy();
    }

    /**
     * @return the condition that starts this page after its cursor (parameters
     * {@code afterValue} and {@code afterId}), or null on the first page
     */
    public String afterCondition() {
        return after == null ? null : order.afterCondition();
    }

    /**
     * @return the values of {@link #afterCondition()}, empty on the first page
     */
    public Map<String, Object> afterParams() {
        return after == null ? Map.of() : after;
    }

    /**
     * @param rows the rows read, at most {@link #limit()} + 1 in this order
     * @return the page: at most {@code limit} items, and the cursor of the next page if
     * there is one
     */
    public KeysetPage<T> page(List<T> rows) {
        return KeysetPage.of(rows, limit, cursorOf);
    }

}
