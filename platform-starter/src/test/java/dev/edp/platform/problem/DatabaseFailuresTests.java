package dev.edp.platform.problem;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are database faults (503 DATABASE_UNAVAILABLE) and which are not. */
class DatabaseFailuresTests {

    @Test
    void aLostConnectionAndItsSqlStatesAreFaults() {
        assertThat(DatabaseFailures.isUnavailable(new DataAccessResourceFailureException("I/O error",
                new SQLException("An I/O error occurred while sending to the backend.", "08006"))))
            .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new RuntimeException(
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available"))))
            .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("canceling statement", "57014"))).isTrue();
    }

    /**
     * Found in CI: the connection was cut during a read-only transaction, and the
     * rollback failed on the closed connection; Spring threw that (the read's own failure
     * is only its application exception), and the caller got a 500.
     */
    @Test
    void aFailedRollbackOnALostConnectionIsAFault() {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(DatabaseFailures.isUnavailable(rollback)).isTrue();

        TransactionSystemException other = new TransactionSystemException("Could not roll back");
        other.initApplicationException(new DataAccessResourceFailureException("I/O error"));
        assertThat(DatabaseFailures.isUnavailable(other)).isTrue();
    }

    @Test
    void theCallersMistakesAndOtherFailuresAreNot() {
        assertThat(DatabaseFailures.isUnavailable(
                new DataIntegrityViolationException("duplicate key", new SQLException("duplicate key value", "23505"))))
            .isFalse();
        assertThat(DatabaseFailures.isUnavailable(new TransactionSystemException("no transaction"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("bug"))).isFalse();
    }

}
