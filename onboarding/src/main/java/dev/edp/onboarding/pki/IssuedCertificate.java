package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate a {@link CertificateAuthority} issued, with the chain that validates it.
 *
 * @param certificate the device certificate
 * @param chain the CA certificates above it, issuing CA first, root last (what the device
 * presents after its own certificate, and what EST {@code cacerts} returns)
 */
public record IssuedCertificate(X509Certificate certificate, List<X509Certificate> chain) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must contain at least the issuing CA");
        }
    }

    public BigInteger serialNumber() {
        return this.certificate.getSerialNumber();
    }

    /** The serial as lowercase hex without leading zeros: the form to store and show. */
    public String serialHex() {
        return serialNumber().toString(16);
    }

    public Instant notBefore() {
        return this.certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return this.certificate.getNotAfter().toInstant();
    }

    /**
     * Device certificate followed by the chain: what the device configures as its client
     * chain.
     */
    public List<X509Certificate> fullChain() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(this.certificate), this.chain.stream())
            .toList();
    }
}
