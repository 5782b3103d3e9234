package dev.edp.monitoring.batch;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Whose fault a failure is, by SQLState, wherever in the causes the driver put it. */
class SqlFailuresTests {

    static SQLException sql(String state) {
        return new SQLException("refused", state);
    }

    @Test
    void dataExceptionsAndConstraintViolationsAreTheRowsFault() {
        assertThat(SqlFailures.classify(sql("22021"))).isEqualTo(SqlFailures.Kind.ROW);
        assertThat(SqlFailures.classify(sql("22001"))).isEqualTo(SqlFailures.Kind.ROW);
        assertThat(SqlFailures.classify(sql("23505"))).isEqualTo(SqlFailures.Kind.ROW);
        assertThat(SqlFailures.classify(new DataIntegrityViolationException("x", sql("23514"))))
            .isEqualTo(SqlFailures.Kind.ROW);
    }

    @Test
    void connectionShutdownResourceAndSerializationFailuresAreTransient() {
        for (String state : new String[] { "08006", "08001", "57P01", "57014", "53300", "40001", "40P01" }) {
            assertThat(SqlFailures.classify(new UncategorizedSQLException("flush", "sql", sql(state)))).as(state)
                .isEqualTo(SqlFailures.Kind.TRANSIENT);
        }
    }

    @Test
    void anythingElseIsNotBlamedOnARow() {
        assertThat(SqlFailures.classify(sql("42P01"))).isEqualTo(SqlFailures.Kind.OTHER);
        assertThat(SqlFailures.classify(new IllegalStateException("no SQL here"))).isEqualTo(SqlFailures.Kind.OTHER);
        assertThat(SqlFailures.classify(sql(null))).isEqualTo(SqlFailures.Kind.OTHER);
    }

    @Test
    void aBatchsRefusalIsFoundInItsNextException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0], null);
        batch.setNextException(sql("22021"));
        assertThat(SqlFailures.sqlState(new UncategorizedSQLException("batch", "sql", batch))).isEqualTo("22021");
        assertThat(SqlFailures.classify(batch)).isEqualTo(SqlFailures.Kind.ROW);
        assertThat(SqlFailures.describe("22021", batch)).contains("NUL").doesNotContain("refused");
    }

}
