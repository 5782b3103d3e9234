package dev.edp.onboarding.device;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import dev.edp.onboarding.pki.IssuedCertificate;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox of certificate events for device-management (table
 * {@code device_certificate_outbox}). {@link #enqueue} runs in the transaction that
 * stores the certificate, so device-management hears of exactly the certificates that
 * were committed, even if it is down at that moment; {@link DeviceCertificateRelay}
 * delivers the rows. A row it gave up on keeps {@code dead_at} and {@code last_error} and
 * is neither sent again nor pending.
 */
@Repository
public class DeviceCertificateOutbox {

    /** One pending event. */
    record Pending(long id, UUID deviceId, UUID customerId, String serial, Instant notBefore, Instant notAfter,
            int attempts) {
    }

    private final JdbcClient jdbc;

    DeviceCertificateOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records that the device now has this certificate. Must join the caller's
     * transaction. Older undelivered events of the device are dropped: device-management
     * only needs the newest certificate, and sending an older one after it would
     * overwrite the newer.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(UUID deviceId, UUID customerId, IssuedCertificate issued) {
        jdbc.sql("DELETE FROM device_certificate_outbox WHERE device_id = :device AND not_after <= :notAfter")
            .param("device", deviceId)
            .param("notAfter", ts(issued.notAfter()))
            .update();
        jdbc.sql("""
                INSERT INTO device_certificate_outbox (device_id, customer_id, serial, not_before, not_after,
                                                       created_at, next_attempt_at)
                VALUES (:device, :customer, :serial, :notBefore, :notAfter, now(), now())""")
            .param("device", deviceId)
            .param("customer", customerId)
            .param("serial", issued.serialHex())
            .param("notBefore", ts(issued.notBefore()))
            .param("notAfter", ts(issued.notAfter()))
            .update();
    }

    /**
     * Due rows, locked for this transaction; rows another replica holds are skipped, not
     * waited for.
     */
    List<Pending> claimDue(int limit) {
        return jdbc.sql("""
                SELECT id, device_id, customer_id, serial, not_before, not_after, attempts
                FROM device_certificate_outbox WHERE next_attempt_at <= now() AND dead_at IS NULL
                ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED""")
            .param("limit", limit)
            .query((row, i) -> new Pending(row.getLong(1), row.getObject(2, UUID.class), row.getObject(3, UUID.class),
                    row.getString(4), row.getObject(5, OffsetDateTime.class).toInstant(),
                    row.getObject(6, OffsetDateTime.class).toInstant(), row.getInt(7)))
            .list();
    }

    void delivered(List<Long> ids) {
        jdbc.sql("DELETE FROM device_certificate_outbox WHERE id = ANY(:ids)")
            .param("ids", ids.toArray(Long[]::new))
            .update();
    }

    /** One attempt more for each row, the next at {@code nextAttempt}. */
    void failed(List<Long> ids, Instant nextAttempt, String error) {
        jdbc.sql(
                """
                        UPDATE device_certificate_outbox SET attempts = attempts + 1, next_attempt_at = :next, last_error = :error
                        WHERE id = ANY(:ids)""")
            .param("ids", ids.toArray(Long[]::new))
            .param("next", ts(nextAttempt))
            .param("error", error.length() > 500 ? error.substring(0, 500) : error)
            .update();
    }

    /**
     * Gives up on the rows: they stay (with the reason) for an operator but are never
     * sent again.
     */
    void dead(List<Long> ids, String error) {
        jdbc.sql("""
                UPDATE device_certificate_outbox SET attempts = attempts + 1, dead_at = now(), last_error = :error
                WHERE id = ANY(:ids)""")
            .param("ids", ids.toArray(Long[]::new))
            .param("error", error.length() > 500 ? error.substring(0, 500) : error)
            .update();
    }

    /**
     * @return rows still to be delivered (dead rows are not)
     */
    long pending() {
        return jdbc.sql("SELECT count(*) FROM device_certificate_outbox WHERE dead_at IS NULL")
            .query(Long.class)
            .single();
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
