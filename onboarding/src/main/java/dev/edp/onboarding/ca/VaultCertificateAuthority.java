package dev.edp.onboarding.ca;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CertificateAuthorityException;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.DeviceCertificateProfile;
import dev.edp.onboarding.pki.DeviceCertificateRequest;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.vault.VaultException;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.support.VaultResponse;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;

/**
 * {@link CertificateAuthority} backed by HashiCorp Vault's PKI secrets engine
 * ({@code edp.pki.provider=vault}), through Spring Vault ({@link VaultConnection} logs in
 * and keeps the token alive):
 * <ul>
 * <li>issue: {@code POST <mount>/sign/<role>} with the device's CSR, {@code common_name}
 * = device id, {@code uri_sans} = the device identity URI, {@code ttl},
 * {@code exclude_cn_from_sans};</li>
 * <li>revocation: {@code POST <mount>/revoke} with the serial (Vault then lists it on its
 * CRL);</li>
 * <li>CRL: {@code GET <mount>/crl/rotate}, then the CRL from {@code GET <mount>/crl/pem}
 * (Vault signs with its own clock and CRL number; the request's entries are what was
 * revoked in Vault);</li>
 * <li>chain: {@code GET <mount>/ca_chain} once at start, issuing CA first, ending with a
 * self-signed root.</li>
 * </ul>
 * The Vault role must issue the platform's device profile: {@code organization=EDP},
 * {@code use_csr_common_name=false}, {@code use_csr_sans=false}, {@code allowed_uri_sans}
 * covering {@code urn:edp:customer:*}, {@code allow_any_name=true},
 * {@code client_flag=true}, {@code server_flag=false},
 * {@code key_usage=DigitalSignature}, {@code ext_key_usage} empty. Every certificate
 * Vault returns is checked against the profile ({@link DeviceCertificateProfile#verify})
 * before it is used, so a misconfigured role fails loudly instead of handing out a wrong
 * certificate.
 */
public final class VaultCertificateAuthority implements CertificateAuthority {

    private static final Logger log = LoggerFactory.getLogger(VaultCertificateAuthority.class);

    private final VaultOperations vault;

    private final Runnable dropToken;

    private final String mount;

    private final String role;

    private final Clock clock;

    private final List<X509Certificate> chain;

    /**
     * @param vault an authenticated Vault client
     * @param dropToken forgets the client's session token, so that its next call logs in
     * again ({@link VaultConnection#dropToken()})
     * @param mount the PKI mount path
     * @param role the signing role
     * @param clock the time issuance is checked against
     * @throws CertificateAuthorityException if Vault cannot be reached or its chain is
     * unusable
     */
    public VaultCertificateAuthority(VaultOperations vault, Runnable dropToken, String mount, String role,
            Clock clock) {
        this.vault = vault;
        this.dropToken = dropToken;
        this.mount = mount;
        this.role = role;
        this.clock = clock;
        this.chain = loadChain();
    }

    private List<X509Certificate> loadChain() {
        String pem = call("read the CA chain",
                () -> vault.doWithSession(rest -> rest.getForObject(mount + "/ca_chain", String.class)));
        List<X509Certificate> certificates;
        try {
            certificates = Pem.readCertificates(pem == null ? "" : pem);
        }
        catch (IllegalArgumentException ex) {
            throw new CertificateAuthorityException(
                    "Vault's " + mount + "/ca_chain is not a PEM chain: " + ex.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new CertificateAuthorityException("Vault's " + mount + "/ca_chain is empty");
        }
        X509Certificate last = certificates.getLast();
        if (!last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            // Devices and E3 need the trust anchor; Vault leaves out a root it does not
            // hold.
            throw new CertificateAuthorityException(
                    "Vault's " + mount + "/ca_chain does not end with a self-signed root; "
                            + "set the full chain on the issuer (pki/intermediate/set-signed with the root appended)");
        }
        return List.copyOf(certificates);
    }

    @Override
    public IssuedCertificate issue(DeviceCertificateRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csr", Pem.certificateRequest(request.csr().der()));
        body.put("common_name", request.deviceId().toString());
        body.put("uri_sans", request.identity().uri());
        body.put("exclude_cn_from_sans", true);
        body.put("ttl", request.validity().toSeconds() + "s");
        body.put("format", "pem");
        VaultResponse response = call("sign the device certificate", () -> vault.write(mount + "/sign/" + role, body));
        Map<String, Object> data = response == null ? null : response.getData();
        if (data == null || !(data.get("certificate") instanceof String pem)) {
            throw new CertificateAuthorityException(
                    "Vault's " + mount + "/sign/" + role + " answered without data.certificate");
        }
        X509Certificate certificate;
        try {
            certificate = Pem.readCertificates(pem).getFirst();
        }
        catch (RuntimeException ex) {
            throw new CertificateAuthorityException("Vault returned an unreadable certificate: " + ex.getMessage());
        }
        if (data.get("serial_number") instanceof String serial
                && !serial(serial).equals(certificate.getSerialNumber())) {
            throw new CertificateAuthorityException("Vault's serial_number " + serial + " is not the certificate's");
        }
        IssuedCertificate issued = new IssuedCertificate(certificate, chain);
        DeviceCertificateProfile.verify(request, issued, now);
        return issued;
    }

    @Override
    public void revoked(BigInteger serialNumber) {
        call("revoke certificate " + serialNumber.toString(16),
                () -> vault.write(mount + "/revoke", Map.of("serial_number", colonHex(serialNumber))));
    }

    @Override
    public byte[] crl(CrlRequest request) {
        // Vault rebuilds its CRL on revocation; rotating makes a fresh one for the
        // periodic refresh.
        call("rotate the CRL", () -> vault.read(mount + "/crl/rotate"));
        String pem = call("read the CRL",
                () -> vault.doWithSession(rest -> rest.getForObject(mount + "/crl/pem", String.class)));
        try {
            return Pem.readCrl(pem == null ? new byte[0] : pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .getEncoded();
        }
        catch (java.security.cert.CRLException | RuntimeException ex) {
            throw new CertificateAuthorityException("Vault's " + mount + "/crl/pem is not a CRL: " + ex.getMessage());
        }
    }

    @Override
    public List<X509Certificate> chain() {
        return chain;
    }

    /** Vault writes serials as colon-separated hex octets ({@code 39:dd:2e:...}). */
    static String colonHex(BigInteger serial) {
        String hex = serial.toString(16);
        if (hex.length() % 2 == 1) {
            hex = "0" + hex;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    static BigInteger serial(String vaultSerial) {
        return new BigInteger(vaultSerial.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT), 16);
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            try {
                return action.get();
            }
            catch (VaultException | HttpClientErrorException.Forbidden ex) {
                if (!permissionDenied(ex)) {
                    throw ex;
                }
                // Vault answers a token it no longer honours (revoked, expired between
                // two renewals, a Vault restored from a snapshot) as it answers a policy
                // that forbids the call: 403. Log in again and try once more; a policy
                // refuses the new token too, and that fails below.
                log.info("Vault refused the session token to {}; logging in again", what);
                dropToken.run();
                return action.get();
            }
        }
        catch (VaultException | RestClientException | IllegalStateException ex) {
            // Messages of Spring Vault carry Vault's error text, never the token. A
            // failed login (VaultLoginException) or a login answer without a token
            // surface here as well.
            throw new CertificateAuthorityException("Vault could not " + what + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean permissionDenied(RuntimeException ex) {
        return ex instanceof HttpClientErrorException.Forbidden
                || ex.getCause() instanceof HttpClientErrorException.Forbidden;
    }

    @Override
    public String toString() {
        return "VaultCertificateAuthority[" + mount + "/sign/" + role + ", "
                + chain.getFirst().getSubjectX500Principal() + "]";
    }

}
