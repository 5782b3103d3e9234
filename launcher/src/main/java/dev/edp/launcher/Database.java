package dev.edp.launcher;

/**
 * The PostgreSQL the services use, either embedded (started and stopped by the launcher)
 * or the user's own.
 */
interface Database extends AutoCloseable {

    DatabaseCoordinates coordinates();

    /** One line for the status table. */
    String description();

    /** Stops the database if the launcher started it; a no-op for an external one. */
    @Override
    void close();

    /**
     * A PostgreSQL that someone else runs ({@code EDP_DB_URL}); the launcher only passes
     * it on.
     */
    record External(DatabaseCoordinates coordinates) implements Database {

        @Override
        public String description() {
            return coordinates.jdbcUrl() + "  (external, EDP_DB_URL)";
        }

        @Override
        public void close() {
        }
    }

}
