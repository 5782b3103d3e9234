package dev.edp.launcher;

/** How the services reach PostgreSQL: the values handed to them as {@code EDP_DB_*}. */
record DatabaseCoordinates(String jdbcUrl, String user, String password) {
}
