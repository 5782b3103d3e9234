package dev.edp.platform.web;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, paged by key (keyset pagination): stable under inserts and deletes
 * and as cheap for the thousandth page as for the first. {@code nextCursor} is absent on
 * the last page.
 *
 * @param items the items of this page
 * @param nextCursor the cursor of the next page, or null on the last page
 * @param <T> item type
 */
public record KeysetPage<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from a query that fetched {@code limit + 1} rows: the extra row only
     * says that there is a next page, whose cursor is made from the last item shown.
     * @param rows the rows, at most {@code limit + 1}
     * @param limit the page size asked for
     * @param sortKey the values of the sort key of an item, in sort order (id last, as
     * tie-breaker)
     * @param <T> item type
     * @return the page
     */
    public static <T> KeysetPage<T> of(List<T> rows, int limit, Function<T, List<String>> sortKey) {
        if (rows.size() <= limit) {
            return new KeysetPage<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new KeysetPage<>(items, Cursor.encode(sortKey.apply(items.getLast())));
    }

    /**
     * @param mapper what to show of an item
     * @param <R> the shown type
     * @return this page with its items mapped, same cursor
     */
    public <R> KeysetPage<R> map(Function<T, R> mapper) {
        return new KeysetPage<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
