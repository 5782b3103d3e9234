package dev.edp.onboarding.certificate;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import dev.edp.onboarding.ca.PkiProperties;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.RevokedEntry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds and stores the CRL: after every revocation (inside the revoking transaction), at start if
 * none exists, and when the current one has used half its validity. Rebuilds are serialized across
 * replicas by an advisory lock; the CRL number comes from a sequence, so it only ever grows.
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

    CrlPublisher(JdbcClient jdbc, CertificateStore certificates, CertificateAuthority ca, PkiProperties properties,
            TransactionTemplate transactions, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.certificates = certificates;
        this.ca = ca;
        this.properties = properties;
        this.transactions = transactions;
    }

    /** Rebuilds the CRL now; call inside the transaction that changed revocation state. */
    @Transactional
    public PublishedCrl rebuild() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('edp-onboarding-crl'))").query((row, i) -> 1).single();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long number = jdbc.sql("SELECT nextval('crl_number_seq')").query(Long.class).single();
        var entries = certificates.revokedUnexpired(now).stream()
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
                .param("number", number).param("der", der).param("thisUpdate", CertificateStore.ts(now))
                .param("nextUpdate", CertificateStore.ts(nextUpdate)).update();
        return new PublishedCrl(number, der, now, nextUpdate);
    }

    public Optional<PublishedCrl> current() {
        return jdbc.sql("SELECT crl_number, der, this_update, next_update FROM crl WHERE id = 1")
                .query((row, i) -> new PublishedCrl(row.getLong(1), row.getBytes(2),
                        row.getObject(3, java.time.OffsetDateTime.class).toInstant(),
                        row.getObject(4, java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** Publishes a first CRL, and refreshes one that has used half its validity (any replica may). */
    @EventListener(ApplicationReadyEvent.class)
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
