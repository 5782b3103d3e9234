package dev.edp.platform.web;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;

/**
 * One page of a list as the caller asked for it: the query parameters {@code limit},
 * {@code cursor}, {@code sort} and {@code customerId} that every list endpoint takes,
 * declared once. A controller takes it as a parameter, like {@link Tenant}; the starter
 * reads and documents the parameters ({@link ListParameters} says which apply to a list):
 *
 * <pre>
 * &#64;GetMapping
 * KeysetPage&lt;MachineResponse&gt; list(Tenant tenant,
 *         &#64;ListParameters(sort = "name (default) or createdAt") ListRequest list, …)
 * </pre>
 *
 * Every list uses one cursor format ({@link Cursor}): the name of the order first, then
 * where the next page starts. Keyset lists ({@link #keyset(KeysetSorts)}) carry the sort
 * value and id of the last item shown; lists that can only count
 * ({@link #offset(String)}) carry a position.
 *
 * @param limit the page size, 1 to {@value Cursor#MAX_LIMIT}
 * @param cursor the {@code nextCursor} of the previous page, or null for the first page
 * @param sort the order asked for, or null for the list's default
 * @param customerId the customer a platform admin narrowed the list to, if any
 */
public record ListRequest(int limit, String cursor, String sort, Optional<UUID> customerId) {

    /**
     * @throws EdpException 400 {@code INVALID_LIMIT} outside 1 to
     * {@value Cursor#MAX_LIMIT}
     */
    public ListRequest {
        Cursor.limit(limit);
        customerId = customerId == null ? Optional.empty() : customerId;
    }

    /**
     * @param limit the page size asked for, or null for the default
     * ({@value Cursor#DEFAULT_LIMIT})
     * @param cursor the previous page's {@code nextCursor}, or null
     * @param sort the order asked for, or null
     * @param customerId the customer asked for, or null
     * @return the request
     * @throws EdpException 400 {@code INVALID_LIMIT} outside 1 to
     * {@value Cursor#MAX_LIMIT}
     */
    public static ListRequest of(Integer limit, String cursor, String sort, UUID customerId) {
        return new ListRequest(Cursor.limit(limit), cursor, sort, Optional.ofNullable(customerId));
    }

    /**
     * The customer whose data the list shows ({@link Tenant#listScope}): a platform
     * admin's choice or all customers, everyone else's own.
     * @param tenant the caller
     * @return the customer to filter by, or null for every customer
     * @throws EdpException 404 when a caller names another customer, 403
     * {@code NO_CUSTOMER} for a caller without one
     */
    public UUID scope(Tenant tenant) {
        return tenant.listScope(customerId).orElse(null);
    }

    /**
     * @param sorts the orders the list offers
     * @param <T> the item type
     * @return the page's order and start
     * @throws EdpException 400 {@code INVALID_SORT}, {@code INVALID_CURSOR}
     */
    public <T> Keyset<T> keyset(KeysetSorts<T> sorts) {
        return sorts.keyset(this);
    }

    /**
     * Where a page of a list that can only page by position starts (Keycloak pages users
     * by offset); its cursors are {@code [list, position]}.
     * @param list the list's name, the first value of its cursors
     * @return the position of the page's first item, 0 for the first page
     * @throws EdpException 400 {@code INVALID_CURSOR} for a cursor this list did not hand
     * out
     */
    public int offset(String list) {
        List<String> values = Cursor.decode(cursor, 2);
        if (values.isEmpty()) {
            return 0;
        }
        int offset;
        try {
            offset = Integer.parseInt(values.get(1));
        }
        catch (NumberFormatException ex) {
            throw Cursor.invalid();
        }
        if (!values.getFirst().equals(list) || offset < 0) {
            throw Cursor.invalid();
        }
        return offset;
    }

    /**
     * @param list the list's name, as given to {@link #offset(String)}
     * @param offset the position of the first row
     * @param rows the rows read from there, at most {@code limit + 1}
     * @param <T> the item type
     * @return the page, with the cursor of the next position if there is more
     */
    public <T> KeysetPage<T> offsetPage(String list, int offset, List<T> rows) {
        String next = String.valueOf(offset + limit);
        return KeysetPage.of(rows, limit, last -> List.of(list, next));
    }
}
