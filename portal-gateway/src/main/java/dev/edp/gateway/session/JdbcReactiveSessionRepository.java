package dev.edp.gateway.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.MapSession;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.UuidSessionIdGenerator;

/**
 * Keeps WebFlux sessions in PostgreSQL. Spring Session has no reactive JDBC store, and an
 * in-memory one would log users out on every restart and break with two gateway replicas;
 * so each session is one row, written and read with blocking JDBC on the bounded-elastic
 * scheduler (a session is read once per request and written only when it changed).
 */
public class JdbcReactiveSessionRepository implements ReactiveSessionRepository<MapSession> {

    private static final Logger log = LoggerFactory.getLogger(JdbcReactiveSessionRepository.class);

    /**
     * Sessions are our own objects plus Spring Security's and the JDK's; nothing deep or
     * huge.
     */
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config
        .createFilter("maxdepth=40;maxrefs=20000;maxbytes=1048576;maxarray=100000");

    private final JdbcClient jdbc;

    private final Duration maxInactive;

    /**
     * @param jdbc the gateway's database
     * @param maxInactive how long a session lives without requests
     */
    public JdbcReactiveSessionRepository(JdbcClient jdbc, Duration maxInactive) {
        this.jdbc = jdbc;
        this.maxInactive = maxInactive;
    }

    @Override
    public Mono<MapSession> createSession() {
        return Mono.fromSupplier(() -> {
            MapSession session = new MapSession();
            session.setMaxInactiveInterval(maxInactive);
            return session;
        });
    }

    @Override
    public Mono<Void> save(MapSession session) {
        return Mono.<Void>fromRunnable(() -> {
            String originalId = session.getOriginalId();
            if (originalId != null && !originalId.equals(session.getId())) {
                // The id changed (on login, against session fixation): the old id must
                // stop working.
                jdbc.sql("DELETE FROM web_session WHERE id = ?").param(originalId).update();
            }
            Instant expiresAt = session.getLastAccessedTime().plus(session.getMaxInactiveInterval());
            jdbc.sql("""
                    INSERT INTO web_session (id, expires_at, updated_at, data) VALUES (?, ?, now(), ?)
                    ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at,
                        updated_at = excluded.updated_at, data = excluded.data
                    """)
                .param(session.getId())
                .param(Timestamp.from(expiresAt))
                .param(serialize(new MapSession(session)))
                .update();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<MapSession> findById(String id) {
        return Mono.fromCallable(() -> {
            List<byte[]> rows = jdbc.sql("SELECT data FROM web_session WHERE id = ? AND expires_at > now()")
                .param(id)
                .query((row, number) -> row.getBytes(1))
                .list();
            if (rows.isEmpty()) {
                return null;
            }
            MapSession session = deserialize(rows.getFirst());
            if (session == null || session.isExpired()) {
                return null;
            }
            return session;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> deleteById(String id) {
        return Mono.<Void>fromRunnable(() -> jdbc.sql("DELETE FROM web_session WHERE id = ?").param(id).update())
            .subscribeOn(Schedulers.boundedElastic());
    }

    /** Any replica may run this: deleting expired rows twice does no harm. */
    @Scheduled(fixedDelayString = "${edp.session.cleanup-interval:PT5M}", initialDelayString = "PT1M")
    void deleteExpired() {
        int deleted = jdbc.sql("DELETE FROM web_session WHERE expires_at < now()").update();
        if (deleted > 0) {
            log.debug("Deleted {} expired sessions", deleted);
        }
    }

    private static byte[] serialize(MapSession session) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(session);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Session could not be serialized", ex);
        }
        return bytes.toByteArray();
    }

    private static MapSession deserialize(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(FILTER);
            MapSession session = (MapSession) in.readObject();
            // The id generator is transient; without it the session id cannot change at
            // login or logout.
            session.setSessionIdGenerator(UuidSessionIdGenerator.getInstance());
            return session;
        }
        catch (IOException | ClassNotFoundException | ClassCastException ex) {
            // A session written by an incompatible version: treat it as gone, the user
            // logs in again.
            log.info("Dropping unreadable session: {}", ex.getMessage());
            return null;
        }
    }

}
