package dev.edp.platform.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.edp.test.postgres.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Both reads on a real PostgreSQL: by key, and locked by key. */
class RowsByKeyIntegrationTests {

    record Thing(String id, String name) {
    }

    @Test
    void findsByKeyAndTheLockedReadHoldsTheRowUntilTheTransactionEnds() throws Exception {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        try (Connection owner = DriverManager.getConnection(database.url(), database.user(), database.password());
                Connection other = DriverManager.getConnection(database.url(), database.user(), database.password())) {
            owner.createStatement().execute("CREATE TABLE thing (id text PRIMARY KEY, name text NOT NULL)");
            owner.createStatement().execute("INSERT INTO thing VALUES ('a', 'Anvil'), ('b', 'Bolt')");
            RowsByKey<Thing> things = rows(owner);

            assertThat(things.find("b")).contains(new Thing("b", "Bolt"));
            assertThat(things.find("nope")).isEmpty();

            owner.setAutoCommit(false);
            assertThat(things.findForUpdate("a")).contains(new Thing("a", "Anvil"));
            // Another transaction's lock on the same row waits for the owner's to end.
            other.setAutoCommit(false);
            CompletableFuture<Optional<Thing>> waiting = CompletableFuture
                .supplyAsync(() -> rows(other).findForUpdate("a"));
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingForALock(database) == 1);
            assertThat(waiting).isNotDone();
            owner.commit();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).contains(new Thing("a", "Anvil"));
            other.commit();
        }
    }

    private static long waitingForALock(TestPostgres.Database database) throws Exception {
        try (Connection watcher = DriverManager.getConnection(database.url(), database.user(), database.password());
                ResultSet count = watcher.createStatement()
                    .executeQuery("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
            count.next();
            return count.getLong(1);
        }
    }

    private static RowsByKey<Thing> rows(Connection connection) {
        JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
        return new RowsByKey<>(jdbc, "thing", "id, name", "id",
                (row, n) -> new Thing(row.getString("id"), row.getString("name")));
    }

}
