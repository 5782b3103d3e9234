package dev.edp.test.service;

import java.util.Base64;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the services' untrusted-input tests send and check: values no parser should take,
 * and the rows that must not have been written.
 */
public final class HostileInput {

    private HostileInput() {
    }

    /**
     * Bytes as a list cursor carries them (URL-safe Base64 without padding), for bytes
     * that decode to no cursor.
     * @param bytes the bytes, each 0 to 255
     * @return the cursor text
     */
    public static String cursorOf(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /**
     * How many rows of a table hold a value in a column; table and column are the test's
     * own constants, never input.
     * @param jdbc the service's database
     * @param table the table
     * @param column the column
     * @param value the value
     * @return the count
     */
    public static long rows(JdbcClient jdbc, String table, String column, UUID value) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = :value")
            .param("value", value)
            .query(Long.class)
            .single();
    }

}
