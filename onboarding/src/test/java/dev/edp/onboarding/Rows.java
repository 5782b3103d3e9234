package dev.edp.onboarding;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** What onboarding's tables hold about one token or device, as the tests read it. */
public final class Rows {

    private Rows() {
    }

    public static String tokenStatus(JdbcClient jdbc, String tokenId) {
        return jdbc.sql("SELECT status FROM onboarding_token WHERE id = :id")
            .param("id", UUID.fromString(tokenId))
            .query(String.class)
            .single();
    }

    /**
     * @param table the table
     * @param column a uuid column of it
     * @param id the value
     * @return how many rows of the table have that value
     */
    public static int count(JdbcClient jdbc, String table, String column, String id) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = :id")
            .param("id", UUID.fromString(id))
            .query(Integer.class)
            .single();
    }

}
