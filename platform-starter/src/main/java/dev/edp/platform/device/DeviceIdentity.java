package dev.edp.platform.device;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a device certificate belongs to: the customer (tenant) and the device.
 *
 * <p>
 * Encoded in every device certificate twice: the subject {@code CN=<device id>} (what
 * people and generic tools show) and exactly one URI subject alternative name
 *
 * <pre>urn:edp:customer:&lt;customer uuid&gt;:device:&lt;device uuid&gt;</pre>
 *
 * UUIDs in canonical lowercase form. The URI is the authoritative, machine-readable
 * identity (RFC 5280 prefers SANs for identities; the tenant is part of it so E3 and
 * services can check tenancy without a lookup). {@code edp} is a private URN namespace of
 * this platform, not an IANA-registered one; parsing is strict (exact shape, lowercase
 * only) so two spellings of one identity cannot exist.
 */
public record DeviceIdentity(UUID customerId, UUID deviceId) {

    /** Prefix of the identity URI. */
    public static final String URI_PREFIX = "urn:edp:customer:";

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static final Pattern URI = Pattern
        .compile("urn:edp:customer:(" + UUID_PATTERN + "):device:(" + UUID_PATTERN + ")");

    private static final int SAN_URI = 6;

    public DeviceIdentity {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(deviceId, "deviceId");
    }

    /** The identity URI, {@code urn:edp:customer:<customer id>:device:<device id>}. */
    public String uri() {
        return URI_PREFIX + this.customerId + ":device:" + this.deviceId;
    }

    /**
     * Parses an identity URI.
     * @throws IllegalArgumentException if it is not exactly in the documented form
     */
    public static DeviceIdentity fromUri(String uri) {
        Matcher matcher = URI.matcher(uri);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not an EDP device identity URI");
        }
        return new DeviceIdentity(UUID.fromString(matcher.group(1)), UUID.fromString(matcher.group(2)));
    }

    /**
     * Reads the identity from a device certificate: exactly one subject alternative name,
     * a URI in the documented form, and a subject common name equal to its device id.
     * Does not check the signature, validity or revocation: that is the TLS stack's and
     * the CRL's job.
     * @throws IllegalArgumentException if the certificate does not carry a consistent
     * identity
     */
    public static DeviceIdentity fromCertificate(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        }
        catch (CertificateParsingException ex) {
            throw new IllegalArgumentException("Unreadable subject alternative names", ex);
        }
        if (names == null || names.size() != 1) {
            throw new IllegalArgumentException("A device certificate has exactly one subject alternative name");
        }
        List<?> name = names.iterator().next();
        if (!Integer.valueOf(SAN_URI).equals(name.get(0)) || !(name.get(1) instanceof String uri)) {
            throw new IllegalArgumentException("The subject alternative name of a device certificate is a URI");
        }
        DeviceIdentity identity = fromUri(uri);
        if (!identity.deviceId().toString().equals(commonName(certificate))) {
            throw new IllegalArgumentException("Subject common name and identity URI disagree");
        }
        return identity;
    }

    private static String commonName(X509Certificate certificate) {
        try {
            List<Rdn> cns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()
                .stream()
                .filter((rdn) -> "CN".equalsIgnoreCase(rdn.getType()))
                .toList();
            return (cns.size() == 1) ? String.valueOf(cns.get(0).getValue()) : "";
        }
        catch (InvalidNameException ex) {
            return "";
        }
    }
}
