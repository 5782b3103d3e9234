package dev.edp.onboarding.certificate;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.onboarding.ca.PkiProperties;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.RevokedEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds and stores the CRL: after every revocation (inside the revoking transaction), at
 * start if none exists, and when the current one has used half its validity. Rebuilds are
 * serialized across replicas by an advisory lock; the CRL number comes from a sequence,
 * so it only ever grows.
 * <p>
 * The CRL is served from memory ({@link #served()}), so E3's fetch every two seconds
 * never waits for a database connection: when enrollments kept the pool busy, or
 * PostgreSQL was down, E3 could not refresh its CRL and refused every device. The copy in
 * memory is replaced when this replica's rebuild commits, and every
 * {@code edp.onboarding.crl.reload-interval} (1 s) each replica asks the database whether
 * another one published a newer CRL (one indexed row).
 */
@Component
public class CrlPublisher {

    private static final Logger log = LoggerFactory.getLogger(CrlPublisher.class);

    /** The published CRL. */
    public record PublishedCrl(long number, byte[] der, Instant thisUpdate, Instant nextUpdate) {
    }

    private final JdbcClient jdbc;

    private final CertificateStore certificates;

    private final CertificateAuthority ca;

    private final PkiProperties properties;

    private final TransactionTemplate transactions;

    private final Clock clock;

    private final AtomicReference<PublishedCrl> served = new AtomicReference<>();

    CrlPublisher(JdbcClient jdbc, CertificateStore certificates, CertificateAuthority ca, PkiProperties properties,
            TransactionTemplate transactions, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.certificates = certificates;
        this.ca = ca;
        this.properties = properties;
        this.transactions = transactions;
    }

    /**
     * Rebuilds the CRL now; call inside the transaction that changed revocation state.
     */
    @Transactional
    public PublishedCrl rebuild() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('edp-onboarding-crl'))").query((row, i) -> 1).single();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long number = jdbc.sql("SELECT nextval('crl_number_seq')").query(Long.class).single();
        var entries = certificates.revokedUnexpired(now)
            .stream()
            .map(cert -> new RevokedEntry(new BigInteger(cert.serial(), 16), cert.revokedAt(),
                    RevokedEntry.Reason.valueOf(cert.reason())))
            .toList();
        Instant nextUpdate = now.plus(properties.crlValidity());
        byte[] der = ca.crl(new CrlRequest(BigInteger.valueOf(number), now, nextUpdate, entries));
        jdbc.sql("""
                INSERT INTO crl (id, crl_number, der, this_update, next_update)
                VALUES (1, :number, :der, :thisUpdate, :nextUpdate)
                ON CONFLICT (id) DO UPDATE SET crl_number = excluded.crl_number, der = excluded.der,
                    this_update = excluded.this_update, next_update = excluded.next_update""")
            .param("number", number)
            .param("der", der)
            .param("thisUpdate", CertificateStore.ts(now))
            .param("nextUpdate", CertificateStore.ts(nextUpdate))
            .update();
        PublishedCrl crl = new PublishedCrl(number, der, now, nextUpdate);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Served once it is the database's too: a rolled-back revocation must not be
            // published.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    offer(crl);
                }
            });
        }
        return crl;
    }

    /**
     * @return the CRL this replica serves (from memory), empty before the first one was
     * loaded
     */
    public Optional<PublishedCrl> served() {
        return Optional.ofNullable(served.get());
    }

    /** Keeps the newer of the CRL served and the one offered (numbers only grow). */
    private void offer(PublishedCrl crl) {
        served.accumulateAndGet(crl,
                (held, offered) -> held == null || offered.number() > held.number() ? offered : held);
    }

    /**
     * Loads the stored CRL into memory if it is newer than the one served (another
     * replica revoked, or refreshed the CRL). A database fault leaves the copy served as
     * it is.
     */
    @Scheduled(initialDelayString = "${edp.onboarding.crl.reload-interval:1s}",
            fixedDelayString = "${edp.onboarding.crl.reload-interval:1s}")
    public void reload() {
        try {
            Long stored = jdbc.sql("SELECT crl_number FROM crl WHERE id = 1").query(Long.class).optional().orElse(null);
            PublishedCrl held = served.get();
            if (stored != null && (held == null || stored > held.number())) {
                current().ifPresent(this::offer);
            }
        }
        catch (DataAccessException ex) {
            log.debug("CRL reload skipped, the database is not available: {}", ex.getMessage());
        }
    }

    /**
     * @return the CRL stored in the database (every replica's latest)
     */
    public Optional<PublishedCrl> current() {
        return jdbc.sql("SELECT crl_number, der, this_update, next_update FROM crl WHERE id = 1")
            .query((row, i) -> new PublishedCrl(row.getLong(1), row.getBytes(2),
                    row.getObject(3, java.time.OffsetDateTime.class).toInstant(),
                    row.getObject(4, java.time.OffsetDateTime.class).toInstant()))
            .optional();
    }

    /** Publishes a first CRL if there is none, and serves the stored one from memory. */
    @EventListener(ApplicationReadyEvent.class)
    public void publishAtStart() {
        refreshIfDue();
        reload();
    }

    /**
     * Publishes a first CRL, and refreshes one that has used half its validity (any
     * replica may).
     */
    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT5M")
    public void refreshIfDue() {
        Optional<PublishedCrl> current = current();
        Instant halfLife = clock.instant().minus(properties.crlValidity().dividedBy(2));
        if (current.isEmpty() || current.get().thisUpdate().isBefore(halfLife)) {
            transactions.executeWithoutResult(status -> {
                // Re-check under the lock, so replicas refreshing together publish once.
                jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('edp-onboarding-crl'))").query((row, i) -> 1).single();
                Optional<PublishedCrl> again = current();
                if (again.isEmpty() || again.get().thisUpdate().isBefore(halfLife)) {
                    PublishedCrl crl = rebuild();
                    log.info("Published CRL number {} (next update {})", crl.number(), crl.nextUpdate());
                }
            });
        }
    }

}
