package dev.edp.monitoring.batch;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Tells a row's fault from the database's trouble, by SQLState: class 22 (data exception:
 * a NUL character, a value too long or out of range) and 23 (integrity constraint
 * violation) are the row's fault, and writing it again will fail again; everything else
 * (08 connection, 57 operator intervention such as a shutdown, 53 insufficient resources,
 * 40 serialization failure or deadlock, and what is not recognised) is not, and the data
 * is kept for the next attempt.
 */
public final class SqlFailures {

    /** What a failure says about the rows that were being written. */
    public enum Kind {

        /** PostgreSQL refused a row's values (SQLState class 22 or 23). */
        ROW,
        /**
         * The database is unreachable, shutting down, short of resources or aborted a
         * transaction (08, 57, 53, 40).
         */
        TRANSIENT,
        /** Anything else: not blamed on a row, kept for the next attempt. */
        OTHER

    }

    private static final Map<String, String> DESCRIPTIONS = Map.of("22001", "value too long for its column", "22003",
            "number out of range", "22021", "invalid byte sequence (e.g. a NUL character)", "22P05",
            "untranslatable character (e.g. \\u0000 in JSON)", "23502", "missing required value", "23503",
            "references a missing row", "23505", "duplicate key", "23514", "check constraint violated");

    private SqlFailures() {
    }

    /**
     * @param failure what was thrown (a Spring {@code DataAccessException}, a JDBC batch
     * exception…)
     * @return the first SQLState in its causes (and their next exceptions), or null
     */
    public static String sqlState(Throwable failure) {
        for (SQLException sql : sqlExceptions(failure)) {
            if (sql.getSQLState() != null && !sql.getSQLState().isBlank()) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /**
     * @param failure what was thrown
     * @return whose fault it is
     */
    public static Kind classify(Throwable failure) {
        String state = sqlState(failure);
        if (state == null || state.length() < 2) {
            return Kind.OTHER;
        }
        return switch (state.substring(0, 2)) {
            case "22", "23" -> Kind.ROW;
            case "08", "57", "53", "40" -> Kind.TRANSIENT;
            default -> Kind.OTHER;
        };
    }

    /**
     * What a refusal was about, without the refused value (server messages may quote it):
     * a short description of the SQLState and the table, column and constraint PostgreSQL
     * names.
     * @param sqlState the SQLState
     * @param failure the failure, for the schema object names
     * @return text for one log line
     */
    public static String describe(String sqlState, Throwable failure) {
        StringBuilder text = new StringBuilder(DESCRIPTIONS.getOrDefault(sqlState,
                sqlState != null && sqlState.startsWith("23") ? "integrity constraint violation" : "data exception"));
        ServerErrorMessage server = serverMessage(failure);
        if (server != null) {
            append(text, "table", server.getTable());
            append(text, "column", server.getColumn());
            append(text, "constraint", server.getConstraint());
        }
        return text.toString();
    }

    private static void append(StringBuilder text, String name, String value) {
        if (value != null && !value.isBlank()) {
            text.append(", ").append(name).append(' ').append(value);
        }
    }

    private static ServerErrorMessage serverMessage(Throwable failure) {
        for (SQLException sql : sqlExceptions(failure)) {
            if (sql instanceof PSQLException postgres && postgres.getServerErrorMessage() != null) {
                return postgres.getServerErrorMessage();
            }
        }
        return null;
    }

    /**
     * The SQL exceptions among the causes, each followed by its next exceptions (a
     * batch's first refusal).
     */
    private static List<SQLException> sqlExceptions(Throwable failure) {
        List<SQLException> found = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                found.add(sql);
                for (SQLException next = sql.getNextException(); next != null
                        && seen.add(next); next = next.getNextException()) {
                    found.add(next);
                }
            }
        }
        return found;
    }

}
