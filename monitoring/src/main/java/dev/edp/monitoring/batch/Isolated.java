package dev.edp.monitoring.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.transaction.TransactionStatus;

/**
 * Writes rows as one batch inside the caller's transaction and, when PostgreSQL refuses
 * the batch for a row's fault ({@link SqlFailures.Kind#ROW}), finds the refused rows by
 * bisection: each attempt runs inside a savepoint, a refused half is rolled back to it
 * and split again, down to single rows. So a batch with one bad row costs about twice its
 * size in row writes (once, on the flush that meets it) instead of failing as a whole on
 * every attempt. Any other failure (database down, deadlock, serialization failure,
 * something unknown) is thrown as it is: the caller keeps the whole batch for its next
 * attempt.
 */
public final class Isolated {

    /**
     * What was written and what PostgreSQL refused.
     *
     * @param written the rows written, in their original order
     * @param refused the rows refused, each with the SQLState and a description without
     * its values
     * @param <T> the row type
     */
    public record Outcome<T>(List<T> written, List<Refused<T>> refused) {
    }

    /**
     * A refused row.
     *
     * @param row the row
     * @param sqlState PostgreSQL's SQLState (class 22 or 23)
     * @param reason what it was about (no values: they may be the problem, or private)
     * @param <T> the row type
     */
    public record Refused<T>(T row, String sqlState, String reason) {
    }

    private Isolated() {
    }

    /**
     * @param transaction the caller's transaction (savepoints are taken in it)
     * @param rows the rows, in the order to write them
     * @param write writes some of the rows as one batch
     * @param <T> the row type
     * @return the rows written and the rows refused
     * @throws RuntimeException whatever {@code write} threw that is not a row's fault
     */
    public static <T> Outcome<T> write(TransactionStatus transaction, List<T> rows, Consumer<List<T>> write) {
        Outcome<T> outcome = new Outcome<>(new ArrayList<>(rows.size()), new ArrayList<>());
        attempt(transaction, rows, write, outcome);
        return outcome;
    }

    private static <T> void attempt(TransactionStatus transaction, List<T> rows, Consumer<List<T>> write,
            Outcome<T> outcome) {
        if (rows.isEmpty()) {
            return;
        }
        Object savepoint = transaction.createSavepoint();
        try {
            write.accept(rows);
        }
        catch (RuntimeException ex) {
            if (SqlFailures.classify(ex) != SqlFailures.Kind.ROW) {
                throw ex;
            }
            transaction.rollbackToSavepoint(savepoint);
            transaction.releaseSavepoint(savepoint);
            if (rows.size() == 1) {
                String state = SqlFailures.sqlState(ex);
                outcome.refused().add(new Refused<>(rows.getFirst(), state, SqlFailures.describe(state, ex)));
                return;
            }
            int half = rows.size() / 2;
            attempt(transaction, rows.subList(0, half), write, outcome);
            attempt(transaction, rows.subList(half, rows.size()), write, outcome);
            return;
        }
        transaction.releaseSavepoint(savepoint);
        outcome.written().addAll(rows);
    }

}
