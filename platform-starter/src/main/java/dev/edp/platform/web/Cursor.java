package dev.edp.platform.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.text.UntrustedText;

/**
 * Opaque keyset-pagination cursors: the sort-key values of the last item of a page,
 * encoded URL-safe. Clients treat them as opaque; a cursor that was tampered with is a
 * 400 problem, never a 500 or an SQL error: it must be base64url of UTF-8 text PostgreSQL
 * can store (no U+0000), with as many values as the list uses.
 */
public final class Cursor {

    /** Default page size. */
    public static final int DEFAULT_LIMIT = 50;

    /** Largest page size a client may ask for. */
    public static final int MAX_LIMIT = 500;

    private static final char SEPARATOR = '\u001f';

    private Cursor() {
    }

    /**
     * @param values the sort-key values
     * @return the cursor
     */
    public static String encode(List<String> values) {
        // A value may hold the separator (a device name can): escaped, it cannot split
        // the cursor.
        String joined = String.join(String.valueOf(SEPARATOR),
                values.stream()
                    .map(value -> value.replace("%", "%25").replace(String.valueOf(SEPARATOR), "%1F"))
                    .toList());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param cursor a cursor from a previous page, or null for the first page
     * @param expectedValues how many sort-key values the list uses
     * @return the values, or an empty list for the first page; never one with a NUL
     * character, which no cursor holds (PostgreSQL text cannot) and binding one would
     * fail in SQL
     * @throws EdpException 400 {@code INVALID_CURSOR} when the cursor is not one this
     * list made
     */
    public static List<String> decode(String cursor, int expectedValues) {
        if (cursor == null || cursor.isBlank()) {
            return List.of();
        }
        try {
            String joined = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor)))
                .toString();
            if (!UntrustedText.isStorable(joined)) {
                throw invalid();
            }
            List<String> values = new ArrayList<>();
            for (String value : joined.split(String.valueOf(SEPARATOR), -1)) {
                values.add(value.replace("%1F", String.valueOf(SEPARATOR)).replace("%25", "%"));
            }
            if (values.size() != expectedValues) {
                throw invalid();
            }
            return values;
        }
        catch (IllegalArgumentException | CharacterCodingException ex) {
            throw invalid();
        }
    }

    /**
     * Decodes a cursor that holds one value, for lists ordered by a single unique key (an
     * id).
     * @param cursor a cursor from a previous page, or null for the first page
     * @param parse turns the value into the key, throwing
     * {@link IllegalArgumentException} (for example {@link NumberFormatException}) when
     * it cannot
     * @param <T> the key type
     * @return the key, or null for the first page
     * @throws EdpException 400 {@code INVALID_CURSOR} when the cursor is not one this
     * list made
     */
    public static <T> T decodeSingle(String cursor, java.util.function.Function<String, T> parse) {
        List<String> values = decode(cursor, 1);
        if (values.isEmpty()) {
            return null;
        }
        try {
            return parse.apply(values.getFirst());
        }
        catch (IllegalArgumentException ex) {
            throw invalid();
        }
    }

    /**
     * @param limit the page size asked for, or null
     * @return the page size to use
     * @throws EdpException 400 {@code INVALID_LIMIT} outside 1..{@value #MAX_LIMIT}
     */
    public static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw WebProblem.INVALID_LIMIT.exception("limit must be between 1 and " + MAX_LIMIT + ".");
        }
        return limit;
    }

    static EdpException invalid() {
        return WebProblem.INVALID_CURSOR
            .exception("The cursor is not one this list handed out. Start again without a cursor.");
    }

}
