package dev.edp.gateway.session;

import java.time.Duration;
import java.time.Instant;

import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.session.MapSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions in the real PostgreSQL, as a second gateway replica or a restarted one sees
 * them.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(properties = { "eureka.client.enabled=false", "spring.main.web-application-type=reactive" })
class JdbcReactiveSessionRepositoryIntegrationTests {

    @Autowired
    JdbcClient jdbc;

    JdbcReactiveSessionRepository repository() {
        // A fresh repository object: what another replica (or the same one after a
        // restart) has.
        return new JdbcReactiveSessionRepository(jdbc, Duration.ofMinutes(30));
    }

    @Test
    void savedSessionIsReadBackWithItsAttributesByAnotherInstance() {
        MapSession session = repository().createSession().block();
        session.setAttribute("answer", 42);
        repository().save(session).block();

        MapSession loaded = repository().findById(session.getId()).block();
        assertThat(loaded).isNotNull();
        assertThat(loaded.<Integer>getAttribute("answer")).isEqualTo(42);
    }

    @Test
    void loadedSessionCanChangeItsIdAndTheOldIdStopsWorking() {
        MapSession session = repository().createSession().block();
        repository().save(session).block();
        MapSession loaded = repository().findById(session.getId()).block();

        String newId = loaded.changeSessionId();
        repository().save(loaded).block();

        assertThat(newId).isNotEqualTo(session.getId());
        assertThat(repository().findById(session.getId()).block()).isNull();
        assertThat(repository().findById(newId).block()).isNotNull();
    }

    @Test
    void expiredSessionIsNotFoundAndDeletedByTheCleanup() {
        MapSession session = repository().createSession().block();
        session.setMaxInactiveInterval(Duration.ofSeconds(1));
        session.setLastAccessedTime(Instant.now().minusSeconds(60));
        repository().save(session).block();

        assertThat(repository().findById(session.getId()).block()).isNull();
        repository().deleteExpired();
        assertThat(jdbc.sql("SELECT count(*) FROM web_session WHERE id = ?")
            .param(session.getId())
            .query(Integer.class)
            .single()).isZero();
    }

    @Test
    void deletedSessionIsGone() {
        MapSession session = repository().createSession().block();
        repository().save(session).block();
        repository().deleteById(session.getId()).block();
        assertThat(repository().findById(session.getId()).block()).isNull();
    }

}
