package dev.edp.onboarding.pki;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the platform asks a {@link CertificateAuthority} to certify for one of its own TLS
 * servers (E3): the server's validated key for names the platform checked. Only the key
 * comes from the CSR.
 *
 * @param csr the server's validated request; only its public key is certified
 * @param dnsNames DNS names (already validated: hostname syntax, no wildcards)
 * @param ipAddresses IP addresses
 * @param validity how long the certificate should be valid from now (1 minute to 397
 * days)
 */
public record ServerCertificateRequest(ValidatedCsr csr, List<String> dnsNames, List<InetAddress> ipAddresses,
        Duration validity) {

    /** Upper bound of names (DNS and IP together) in one certificate. */
    public static final int MAX_NAMES = 10;

    public ServerCertificateRequest {
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(validity, "validity");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        int names = dnsNames.size() + ipAddresses.size();
        if (names == 0 || names > MAX_NAMES) {
            throw new IllegalArgumentException("a server certificate needs 1 to " + MAX_NAMES + " names");
        }
        if (validity.compareTo(Duration.ofMinutes(1)) < 0
                || validity.compareTo(DeviceCertificateRequest.MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity must be between 1 minute and 397 days");
        }
    }
}
