package dev.edp.onboarding.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Issues device certificates and signs CRLs. The onboarding service talks to the CA only
 * through this interface; {@link EmbeddedCertificateAuthority} is the default provider,
 * and a HashiCorp Vault PKI provider ({@code pki/sign/:role} for issuance,
 * {@code pki/issuer/:ref/sign-revocation-list} for CRLs) is meant to implement it too.
 *
 * <h2>What every provider must guarantee</h2>
 * <ul>
 * <li><b>Only the key comes from the device.</b> The certificate certifies
 * {@code request.csr().publicKey()} and nothing else from the CSR: its subject, SANs and
 * requested extensions are ignored (a Vault role needs {@code use_csr_common_name=false},
 * {@code use_csr_sans=false}, {@code exclude_cn_from_sans=true}, no
 * {@code allowed_other_sans}).</li>
 * <li><b>The device profile</b> of {@link DeviceCertificateProfile}: subject exactly
 * {@code CN=<device id>, O=EDP}; exactly one SAN, the URI of
 * {@link DeviceCertificateRequest#identity()}; extendedKeyUsage clientAuth only; keyUsage
 * with digitalSignature and never keyCertSign/cRLSign; not a CA; no unknown critical
 * extension.</li>
 * <li><b>Serials</b> positive, at most 20 octets, at least 64 bits from a CSPRNG, unique
 * per issuing CA.</li>
 * <li><b>Validity</b> starts no later than now (a few minutes in the past is right for
 * device clock skew) and ends no later than now + {@code request.validity()}; it may end
 * earlier, e.g. at the issuing CA's own expiry, but never later.</li>
 * <li><b>Chain</b>: {@link IssuedCertificate#chain()} equals {@link #chain()}, and the
 * certificate verifies with the first certificate in it.</li>
 * <li><b>Check before returning</b>: a provider runs
 * {@link DeviceCertificateProfile#verify} on what it is about to return, so a
 * misconfigured backend (a Vault role that adds serverAuth or copies the CSR subject)
 * fails loudly instead of handing out a wrong certificate.</li>
 * <li>No side effects on failure that make a certificate usable; thread-safe; callable
 * from several replicas (no local state another replica needs).</li>
 * </ul>
 */
public interface CertificateAuthority {

    /**
     * Issues a device certificate for the request's key and identity.
     * @throws CertificateAuthorityException if the CA cannot issue (never for device
     * input: that was checked by {@link CsrValidator})
     */
    IssuedCertificate issue(DeviceCertificateRequest request);

    /**
     * Issues a TLS server certificate for one of the platform's own servers (E3): the
     * request's key, subject {@code CN=<first name>, O=EDP}, the request's names as SANs,
     * extendedKeyUsage serverAuth only, not a CA. Same serial, validity and chain rules
     * as device certificates. Providers that cannot do this keep the default, which
     * refuses.
     * @throws CertificateAuthorityException if the CA cannot issue
     */
    default IssuedCertificate issueServer(ServerCertificateRequest request) {
        throw new CertificateAuthorityException(
                "This certificate authority provider does not issue server certificates");
    }

    /**
     * The CA certificates that validate issued certificates: the issuing CA first, its
     * root last (a single self-signed certificate if the issuing CA is itself the root).
     * Published for download and by EST {@code cacerts}; the last element is the trust
     * anchor.
     */
    List<X509Certificate> chain();

    /**
     * Signs a CRL for the issuing CA: X.509 v2, issuer = the issuing CA's subject, with
     * {@code thisUpdate}, {@code nextUpdate}, a CRL number extension carrying
     * {@code request.crlNumber()} and an authority key identifier, signed by the issuing
     * CA's key. Entries carry serial, revocation date and the reason code (omitted for
     * {@link RevokedEntry.Reason#UNSPECIFIED}). A provider that cannot set
     * {@code thisUpdate} (Vault uses its own clock) uses its current time instead.
     * @return the DER-encoded CRL
     */
    byte[] crl(CrlRequest request);

    /**
     * Tells the CA that one of its certificates was revoked, inside the revoking
     * transaction and before {@link #crl} is asked for the new CRL. The service's own
     * store stays the record of revocation; a provider that builds its CRL from its own
     * records (Vault) needs to hear of it. The embedded CA signs exactly the entries it
     * is given and does nothing here.
     * @param serialNumber the revoked certificate's serial
     * @throws CertificateAuthorityException if the CA cannot record it (the revocation
     * then fails)
     */
    default void revoked(java.math.BigInteger serialNumber) {
    }

    /** The trust anchor: the last certificate of {@link #chain()}. */
    default X509Certificate root() {
        List<X509Certificate> chain = chain();
        return chain.get(chain.size() - 1);
    }

}
