package dev.edp.onboarding.renewal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.OnboardingProperties;
import dev.edp.onboarding.certificate.CertificateStore;
import dev.edp.onboarding.certificate.DeviceCertificateIssuer;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.ValidatedCsr;
import dev.edp.platform.device.DevicePrincipal;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Renewal: a device that E3 authenticated with its current certificate trades a CSR for a
 * new certificate with the same identity (device id and customer). The presented
 * certificate must be one onboarding issued to this very device, valid and unexpired, and
 * the device must not be decommissioned. The previous certificate is left valid until it
 * expires, so a device whose renewal response got lost can still connect and renew again.
 *
 * <p>
 * The device's certificate rows are locked ({@code SELECT ... FOR UPDATE}, serial order,
 * as decommissioning does), so a renewal and a decommissioning of the same device
 * serialize: either the renewal sees the presented certificate revoked, or
 * decommissioning sees and revokes the new one.
 *
 * <p>
 * Successful renewals are capped per device: at most
 * {@code edp.onboarding.renewal.max-renewals} (10) within a rolling
 * {@code edp.onboarding.renewal.renewal-window} (24 h), counted from the stored
 * certificates under the same row locks, so the cap holds across replicas and restarts.
 * Beyond it: 429 {@code TOO_MANY_RENEWALS} with {@code Retry-After} until the oldest
 * counted renewal leaves the window. A device renews every few weeks; ten a day is a
 * broken or hijacked one filling the CA's tables and the CRL's future.
 */
@Service
class RenewalService {

    /** The renewed certificate. */
    record Renewal(IssuedCertificate issued, String previousSerial) {
    }

    private final CertificateStore certificates;

    private final DeviceCertificateIssuer issuer;

    private final JdbcClient jdbc;

    private final Clock clock;

    private final int maxRenewals;

    private final Duration renewalWindow;

    private final CsrValidator validator = new CsrValidator();

    RenewalService(CertificateStore certificates, DeviceCertificateIssuer issuer, JdbcClient jdbc, Clock clock,
            OnboardingProperties limits) {
        int maxRenewals = limits.renewal().maxRenewals();
        Duration renewalWindow = limits.renewal().renewalWindow();
        if (maxRenewals < 1 || renewalWindow.isNegative() || renewalWindow.isZero()) {
            throw new IllegalArgumentException("edp.onboarding.renewal.max-renewals must be at least 1 and "
                    + "edp.onboarding.renewal.renewal-window positive, got " + maxRenewals + " and " + renewalWindow);
        }
        this.clock = clock;
        this.maxRenewals = maxRenewals;
        this.renewalWindow = renewalWindow;
        this.certificates = certificates;
        this.issuer = issuer;
        this.jdbc = jdbc;
    }

    /**
     * @param device the device as E3 vouches for it (its presented certificate's serial)
     * @param csr the CSR as PEM/base64 text or DER
     */
    @Transactional
    Renewal renew(DevicePrincipal device, CsrInput csr) {
        String serial = normalize(device.serial());
        List<CertificateStore.StoredCertificate> owned = certificates.findByDeviceForUpdate(device.deviceId());
        CertificateStore.StoredCertificate presented = owned.stream()
            .filter(cert -> cert.serial().equals(serial) && cert.customerId().equals(device.customerId()))
            .findFirst()
            .orElseThrow(() -> OnboardingProblem.CERTIFICATE_UNKNOWN
                .exception("The certificate presented is not one issued to this device."));
        if (!"VALID".equals(presented.status())) {
            // A revoked certificate must never lead to a new one: that would undo the
            // revocation.
            throw OnboardingProblem.CERTIFICATE_REVOKED.exception(
                    "The certificate presented was revoked and cannot be renewed; the device must be onboarded again.");
        }
        Instant now = clock.instant();
        if (!presented.notAfter().isAfter(now)) {
            throw OnboardingProblem.CERTIFICATE_EXPIRED.exception("The certificate presented expired at "
                    + presented.notAfter() + "; the device must be onboarded again.");
        }
        boolean decommissioned = jdbc
            .sql("SELECT count(*) FROM onboarding_token WHERE device_id = :id AND status = 'REVOKED'")
            .param("id", device.deviceId())
            .query(Integer.class)
            .single() > 0;
        if (decommissioned) {
            throw OnboardingProblem.DEVICE_REVOKED.exception("The device was decommissioned.");
        }
        requireUnderLimit(device, now);
        ValidatedCsr validated = csr.validate(validator);
        IssuedCertificate issued = issuer.renewed(presented.deviceId(), presented.customerId(), validated,
                presented.serial(), now);
        return new Renewal(issued, presented.serial());
    }

    /**
     * The device's rows are locked, so concurrent renewals of one device count one after
     * the other.
     */
    private void requireUnderLimit(DevicePrincipal device, Instant now) {
        List<Instant> recent = certificates.renewalsSince(device.deviceId(), now.minus(renewalWindow), maxRenewals);
        if (recent.size() < maxRenewals) {
            return;
        }
        // The oldest of the newest max renewals leaving the window frees one slot;
        // rounded up.
        Duration wait = Duration.between(now, recent.getLast().plus(renewalWindow));
        long retry = Math.max(1, (wait.toMillis() + 999) / 1000);
        throw OnboardingProblem.TOO_MANY_RENEWALS
            .exception("This device renewed its certificate " + maxRenewals + " times within " + renewalWindow
                    + "; it can renew again in " + retry + " s.")
            .retryAfter(retry);
    }

    static String normalize(String serial) {
        String value = serial == null ? "" : serial.strip().toLowerCase(Locale.ROOT).replace(":", "");
        if (!value.matches("[0-9a-f]{1,40}")) {
            throw OnboardingProblem.CERTIFICATE_UNKNOWN
                .exception("The certificate presented is not one issued to this device.");
        }
        return value.replaceFirst("^0+(?=.)", "");
    }

}
