package dev.edp.onboarding.certificate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import dev.edp.platform.jdbc.RowsByKey;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The issued device certificates (table {@code device_certificate}). */
@Repository
public class CertificateStore {

    /** One stored certificate. */
    public record StoredCertificate(String serial, UUID deviceId, UUID customerId, UUID tokenId, Instant notBefore,
            Instant notAfter, String status, Instant revokedAt, String reason, String certificatePem,
            String publicKeySha256, Instant issuedAt) {
    }

    private static final String COLUMNS = """
            serial, device_id, customer_id, token_id, not_before, not_after, status, revoked_at, reason,
            certificate_pem, public_key_sha256, issued_at""";

    private final JdbcClient jdbc;

    private final RowsByKey<StoredCertificate> bySerial;

    CertificateStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.bySerial = new RowsByKey<>(jdbc, "device_certificate", COLUMNS, "serial", CertificateStore::map);
    }

    /**
     * Stores a newly issued certificate as VALID.
     * @param tokenId the token it was enrolled with, or null for a renewal
     * @param renewedFrom the certificate the device presented to renew, or null for an
     * enrollment
     * @param issuedAt when it was issued, by the clock that also counts renewals; null
     * for the database's now
     */
    void insert(IssuedCertificate issued, UUID deviceId, UUID customerId, UUID tokenId, String renewedFrom,
            String keyFingerprint, Instant issuedAt) {
        jdbc.sql("""
                INSERT INTO device_certificate (serial, device_id, customer_id, token_id, renewed_from, not_before,
                                                not_after, status, certificate_pem, public_key_sha256, issued_at)
                VALUES (:serial, :deviceId, :customerId, :tokenId, :renewedFrom, :notBefore, :notAfter, 'VALID', :pem,
                        :fingerprint, COALESCE(CAST(:issuedAt AS timestamptz), now()))""")
            .param("serial", issued.serialHex())
            .param("deviceId", deviceId)
            .param("customerId", customerId)
            .param("tokenId", tokenId)
            .param("renewedFrom", renewedFrom)
            .param("notBefore", ts(issued.notBefore()))
            .param("notAfter", ts(issued.notAfter()))
            .param("pem", Pem.certificate(issued.certificate()))
            .param("fingerprint", keyFingerprint)
            .param("issuedAt", ts(issuedAt))
            .update();
    }

    /**
     * When a device's most recent renewals were issued, newest first.
     * @param deviceId the device
     * @param since only renewals issued after this
     * @param limit at most this many
     * @return their issue times
     */
    public List<Instant> renewalsSince(UUID deviceId, Instant since, int limit) {
        return jdbc.sql("""
                SELECT issued_at FROM device_certificate
                WHERE device_id = :deviceId AND renewed_from IS NOT NULL AND issued_at > :since
                ORDER BY issued_at DESC LIMIT :limit""")
            .param("deviceId", deviceId)
            .param("since", ts(since))
            .param("limit", limit)
            .query((row, index) -> instant(row, "issued_at"))
            .list();
    }

    public Optional<StoredCertificate> find(String serial) {
        return bySerial.find(serial);
    }

    Optional<StoredCertificate> findForUpdate(String serial) {
        return bySerial.findForUpdate(serial);
    }

    /** The certificate issued with a token (at most one: a token is single-use). */
    public Optional<StoredCertificate> findByToken(UUID tokenId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM device_certificate WHERE token_id = :tokenId")
            .param("tokenId", tokenId)
            .query(CertificateStore::map)
            .optional();
    }

    /**
     * All certificates of a device, locked in serial order: renewal and decommissioning
     * both take these locks, so they serialize instead of issuing to a device that is
     * being revoked.
     */
    /**
     * @return every certificate of a device, newest first (enrollment, then each renewal)
     */
    public List<StoredCertificate> findByDevice(UUID deviceId) {
        return jdbc
            .sql("SELECT " + COLUMNS + " FROM device_certificate WHERE device_id = :deviceId"
                    + " ORDER BY issued_at DESC, serial")
            .param("deviceId", deviceId)
            .query(CertificateStore::map)
            .list();
    }

    public List<StoredCertificate> findByDeviceForUpdate(UUID deviceId) {
        return jdbc
            .sql("SELECT " + COLUMNS
                    + " FROM device_certificate WHERE device_id = :deviceId ORDER BY serial FOR UPDATE")
            .param("deviceId", deviceId)
            .query(CertificateStore::map)
            .list();
    }

    void revoke(String serial, Instant at, String reason, String by) {
        jdbc.sql("""
                UPDATE device_certificate SET status = 'REVOKED', revoked_at = :at, reason = :reason, revoked_by = :by
                WHERE serial = :serial AND status = 'VALID'""")
            .param("serial", serial)
            .param("at", ts(at))
            .param("reason", reason)
            .param("by", by)
            .update();
    }

    /** Revoked certificates that have not expired yet: the CRL's entries. */
    List<StoredCertificate> revokedUnexpired(Instant now) {
        return jdbc
            .sql("SELECT " + COLUMNS + " FROM device_certificate WHERE status = 'REVOKED' AND not_after > :now "
                    + "ORDER BY serial")
            .param("now", ts(now))
            .query(CertificateStore::map)
            .list();
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static StoredCertificate map(ResultSet row, int index) throws SQLException {
        return new StoredCertificate(row.getString("serial"), row.getObject("device_id", UUID.class),
                row.getObject("customer_id", UUID.class), row.getObject("token_id", UUID.class),
                instant(row, "not_before"), instant(row, "not_after"), row.getString("status"),
                instant(row, "revoked_at"), row.getString("reason"), row.getString("certificate_pem"),
                row.getString("public_key_sha256"), instant(row, "issued_at"));
    }

}
