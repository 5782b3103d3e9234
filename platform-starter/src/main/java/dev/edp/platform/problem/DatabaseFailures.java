package dev.edp.platform.problem;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Tells a database fault (PostgreSQL unreachable, restarting, frozen, short of
 * connections, a statement or lock that timed out) from every other failure, so the
 * problem handlers answer it with 503 {@value #CODE} and {@code Retry-After} instead of a
 * 500: the caller did nothing wrong, and the same request will work once the database is
 * back.
 * <p>
 * Recognised anywhere in the cause chain: Spring's
 * {@code CannotGetJdbcConnectionException}, {@code DataAccessResourceFailureException},
 * {@code QueryTimeoutException}, {@code TransientDataAccessException} (lock, deadlock,
 * serialization failures), {@code RecoverableDataAccessException},
 * {@code CannotCreateTransactionException}; the JDBC connection and timeout exceptions
 * (Hikari's "connection is not available" is an {@link SQLTransientConnectionException});
 * and SQLStates of class 08 (connection), 53 (insufficient resources), 57P0x (shutdown,
 * crash recovery), 57014 (statement timeout), 55P03 (lock timeout) and 40001/40P01
 * (serialization failure, deadlock); a failed JDBC commit or rollback
 * ({@code TransactionSystemException}). Spring's types are matched by name, so services
 * without spring-jdbc (E3, the registry) can use this too.
 */
public final class DatabaseFailures {

    /** The problem code. */
    public static final String CODE = "DATABASE_UNAVAILABLE";

    /**
     * What {@code Retry-After} says: a few seconds, then the pool has reconnected or the
     * fault lasts.
     */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final Set<String> SPRING_TYPES = Set.of("org.springframework.jdbc.CannotGetJdbcConnectionException",
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.QueryTimeoutException", "org.springframework.dao.TransientDataAccessException",
            "org.springframework.dao.RecoverableDataAccessException",
            "org.springframework.transaction.CannotCreateTransactionException");

    private static final String TRANSACTION_SYSTEM_EXCEPTION = "org.springframework.transaction.TransactionSystemException";

    private DatabaseFailures() {
    }

    /**
     * @param failure what was thrown
     * @return whether it is a database fault a retry may overcome
     */
    public static boolean isUnavailable(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (isSpringUnavailable(cause.getClass()) || isFailedCompletion(cause, seen)) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                for (SQLException each = sql; each != null
                        && (each == sql || seen.add(each)); each = each.getNextException()) {
                    if (isUnavailable(each)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isUnavailable(SQLException sql) {
        if (sql instanceof SQLTransientConnectionException || sql instanceof SQLNonTransientConnectionException
                || sql instanceof SQLRecoverableException || sql instanceof SQLTimeoutException) {
            return true;
        }
        String state = sql.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0") || state.equals("57014")
                || state.equals("55P03") || state.equals("40001") || state.equals("40P01");
    }

    /*
     * A JDBC commit or rollback that failed (Spring's TransactionSystemException with an
     * SQLException cause, e.g. Hikari's "Connection is closed" after the connection was
     * lost mid-transaction) is a connection fault; the statement's own failure is then
     * only its application exception, outside the cause chain, so that is checked too.
     */
    private static boolean isFailedCompletion(Throwable failure, Set<Throwable> seen) {
        if (!TRANSACTION_SYSTEM_EXCEPTION.equals(failure.getClass().getName())) {
            return false;
        }
        if (failure.getCause() instanceof SQLException) {
            return true;
        }
        try {
            Object application = failure.getClass().getMethod("getApplicationException").invoke(failure);
            return application instanceof Throwable original && !seen.contains(original) && isUnavailable(original);
        }
        catch (ReflectiveOperationException ex) {
            return false;
        }
    }

    private static boolean isSpringUnavailable(Class<?> type) {
        for (Class<?> each = type; each != null && each != Throwable.class; each = each.getSuperclass()) {
            if (SPRING_TYPES.contains(each.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param failure what was thrown
     * @return a short description for the log: the first SQLState and the innermost
     * message
     */
    public static String describe(Throwable failure) {
        String state = null;
        Throwable innermost = failure;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (state == null && cause instanceof SQLException sql) {
                state = sql.getSQLState();
            }
            innermost = cause;
        }
        return innermost.getClass().getSimpleName() + (state == null ? "" : " (SQLState " + state + ")") + ": "
                + innermost.getMessage();
    }

    /**
     * @return the 503 problem, without anything from the failure itself
     */
    public static ProblemDetail problem() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, CODE, "Database unavailable",
                "The database cannot be reached or did not answer in time. Retry after " + RETRY_AFTER_SECONDS + " s.");
    }

}
