package dev.edp.devicemanagement.desiredstate;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A table locked by a transaction of its own, as a busy or just-resumed database holds
 * statements up: every statement that needs the table waits until {@link #release()}. It
 * holds one connection of the pool it was taken from.
 */
final class TableLock implements AutoCloseable {

    private final Connection connection;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param table the table to lock ({@code ACCESS EXCLUSIVE}: not even read)
     * @return the lock, held until released or closed
     */
    static TableLock on(DataSource dataSource, String table) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            return new TableLock(connection);
        }
        catch (SQLException ex) {
            connection.close();
            throw ex;
        }
    }

    /**
     * @return how many reads of devices (the desired-state read among them) wait for a
     * lock now
     */
    static long waitingDeviceReads(JdbcClient jdbc) {
        return jdbc.sql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE '%FROM device d%'""").query(Long.class).single();
    }

    /** Lets the waiting statements go on. */
    void release() throws SQLException {
        connection.rollback();
    }

    @Override
    public void close() throws SQLException {
        try {
            release();
        }
        finally {
            connection.close();
        }
    }

}
