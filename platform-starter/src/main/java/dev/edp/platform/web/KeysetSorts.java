package dev.edp.platform.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The orders a keyset-paged list offers: for each name a client may give as {@code sort},
 * the column it sorts by and how to read that value from an item (for the next page's
 * cursor). The id breaks ties, so every order is total. Immutable; declare one per list
 * as a constant:
 *
 * <pre>
 * static final KeysetSorts&lt;Machine&gt; SORTS = KeysetSorts.of(Machine::id, "name")
 *         .text("name", "name", Machine::name)
 *         .timestamp("createdAt", "created_at", Machine::createdAt);
 * </pre>
 *
 * @param <T> the item type
 */
public final class KeysetSorts<T> {

    private final Function<T, UUID> id;

    private final String defaultSort;

    private final Map<String, Sort<T>> sorts;

    private record Sort<T>(KeysetQuery.Column column, Function<T, ?> value) {
    }

    private KeysetSorts(Function<T, UUID> id, String defaultSort, Map<String, Sort<T>> sorts) {
        this.id = id;
        this.defaultSort = defaultSort;
        this.sorts = sorts;
    }

    /**
     * @param id an item's id (column {@code id}), the tie-breaker
     * @param defaultSort the sort used when the caller gives none, e.g. {@code name} or
     * {@code -createdAt}
     * @param <T> the item type
     * @return orders without any sort key yet
     */
    public static <T> KeysetSorts<T> of(Function<T, UUID> id, String defaultSort) {
        return new KeysetSorts<>(id, defaultSort, Map.of());
    }

    /**
     * @param name the name clients use in {@code sort}
     * @param column the text column
     * @param value the item's value of that column
     * @return these orders and this one
     */
    public KeysetSorts<T> text(String name, String column, Function<T, String> value) {
        return with(name, new Sort<>(new KeysetQuery.Column(column, KeysetQuery.Kind.TEXT), value));
    }

    /**
     * @param name the name clients use in {@code sort}
     * @param column the {@code TIMESTAMPTZ} column
     * @param value the item's value of that column
     * @return these orders and this one
     */
    public KeysetSorts<T> timestamp(String name, String column, Function<T, Instant> value) {
        return with(name, new Sort<>(new KeysetQuery.Column(column, KeysetQuery.Kind.TIMESTAMP), value));
    }

    /**
     * @param request the page asked for
     * @return where that page starts and how it is ordered
     * @throws dev.edp.platform.problem.EdpException 400 {@code INVALID_SORT} for a sort
     * not offered, {@code INVALID_CURSOR} for a cursor this list and sort did not hand
     * out
     */
    public Keyset<T> keyset(ListRequest request) {
        Map<String, KeysetQuery.Column> columns = new LinkedHashMap<>();
        sorts.forEach((name, sort) -> columns.put(name, sort.column()));
        KeysetQuery order = KeysetQuery.parse(request.sort(), defaultSort, columns);
        Map<String, Object> after = order.after(request.cursor());
        String name = order.descending() ? order.sort().substring(1) : order.sort();
        Function<T, ?> value = sorts.get(name).value();
        return new Keyset<>(order, after, request.limit(), item -> order.cursorOf(value.apply(item), id.apply(item)));
    }

    private KeysetSorts<T> with(String name, Sort<T> sort) {
        Map<String, Sort<T>> more = new LinkedHashMap<>(sorts);
        more.put(name, sort);
        return new KeysetSorts<>(id, defaultSort, Map.copyOf(more));
    }

}
