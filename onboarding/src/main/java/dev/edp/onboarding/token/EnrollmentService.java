package dev.edp.onboarding.token;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.certificate.CertificateStore;
import dev.edp.onboarding.certificate.DeviceCertificateIssuer;
import dev.edp.onboarding.customer.CustomerGate;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.ValidatedCsr;
import dev.edp.platform.problem.EdpException;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enrollment: a device trades a token and a CSR for a certificate. The token row is
 * locked ({@code SELECT ... FOR UPDATE}) for the whole transaction, so of two concurrent
 * enrollments with one token exactly one issues; the other then sees the token used. A
 * retry with the same key after success gets the same certificate back. Any refusal rolls
 * back: nothing is issued or stored. A token of a deactivated customer is refused before
 * that transaction ({@link CustomerGate}), so no row stays locked while masterdata is
 * asked, and the token stays unused.
 */
@Service
public class EnrollmentService {

    /** The certificate a device receives. */
    public record Enrollment(UUID deviceId, UUID customerId, String serial, Instant notAfter, String certificatePem,
            List<java.security.cert.X509Certificate> chain, java.security.cert.X509Certificate certificate,
            boolean replayed) {
    }

    private final TokenRepository tokens;

    private final CertificateStore certificates;

    private final CertificateAuthority ca;

    private final DeviceCertificateIssuer issuer;

    private final CustomerGate customers;

    private final TransactionTemplate transactions;

    private final CsrValidator validator = new CsrValidator();

    EnrollmentService(TokenRepository tokens, CertificateStore certificates, CertificateAuthority ca,
            DeviceCertificateIssuer issuer, CustomerGate customers, TransactionTemplate transactions) {
        this.tokens = tokens;
        this.certificates = certificates;
        this.ca = ca;
        this.issuer = issuer;
        this.customers = customers;
        this.transactions = transactions;
    }

    /**
     * @param token the onboarding token's secret
     * @param csr the device's certificate request
     * @return the certificate, new or (a retry with the same key) the one issued before
     */
    public Enrollment enroll(String token, CsrInput csr) {
        if (token == null || token.isBlank()) {
            throw unknownToken();
        }
        byte[] hash = TokenService.hash(token.strip());
        customers.requireActive(tokens.customerByHash(hash).orElseThrow(EnrollmentService::unknownToken));
        return transactions.execute(status -> enrollLocked(hash, csr));
    }

    private Enrollment enrollLocked(byte[] hash, CsrInput csr) {
        OnboardingToken stored = tokens.findByHashForUpdate(hash).orElseThrow(EnrollmentService::unknownToken);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if ("REVOKED".equals(stored.status())) {
            throw OnboardingProblem.TOKEN_REVOKED
                .exception("The onboarding token was revoked; ask an operator for a new one.");
        }
        ValidatedCsr validated = csr.validate(validator);
        if ("USED".equals(stored.status())) {
            return replay(stored, validated);
        }
        if (!stored.expiresAt().isAfter(now)) {
            throw OnboardingProblem.TOKEN_EXPIRED.exception(
                    "The onboarding token was valid until " + stored.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ".");
        }
        // Same transaction: should issuing fail, the token stays unused;
        // device-management
        // hears of this certificate exactly if it is committed.
        tokens.markUsed(stored.id(), now);
        IssuedCertificate issued = issuer.enrolled(stored.deviceId(), stored.customerId(), validated, stored.id());
        return new Enrollment(stored.deviceId(), stored.customerId(), issued.serialHex(), issued.notAfter(),
                Pem.certificate(issued.certificate()), issued.chain(), issued.certificate(), false);
    }

    /**
     * The token was used: the same key gets its certificate again (a lost response),
     * anything else is refused.
     */
    private Enrollment replay(OnboardingToken stored, ValidatedCsr csr) {
        var previous = certificates.findByToken(stored.id())
            .filter(cert -> "VALID".equals(cert.status()) && cert.notAfter().isAfter(Instant.now()))
            .filter(cert -> cert.publicKeySha256().equals(csr.publicKeyFingerprint()))
            .orElseThrow(() -> OnboardingProblem.TOKEN_USED
                .exception("The onboarding token was already used; a token enrolls one device once."));
        var certificate = Pem.readCertificates(previous.certificatePem()).getFirst();
        return new Enrollment(previous.deviceId(), previous.customerId(), previous.serial(), previous.notAfter(),
                previous.certificatePem(), ca.chain(), certificate, true);
    }

    static EdpException unknownToken() {
        return OnboardingProblem.TOKEN_UNKNOWN.exception("The onboarding token is not valid.");
    }

}
