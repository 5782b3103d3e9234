package dev.edp.e3.trust;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;

/**
 * The identity in a device certificate, read exactly as onboarding writes it
 * ({@code dev.edp.onboarding.pki.DeviceIdentity}): one URI SAN
 * {@code urn:edp:customer:<uuid>:device:<uuid>} and {@code CN=<device id>}. E3 does not depend on
 * the onboarding module, so the (small, strict) parser is repeated here.
 */
public record DeviceIdentity(UUID customerId, UUID deviceId) {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static final Pattern URI = Pattern
            .compile("urn:edp:customer:(" + UUID_PATTERN + "):device:(" + UUID_PATTERN + ")");

    /**
     * @param certificate a device certificate
     * @return its identity
     * @throws IllegalArgumentException if it carries no consistent identity
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
        if (!Integer.valueOf(6).equals(name.get(0)) || !(name.get(1) instanceof String uri)) {
            throw new IllegalArgumentException("The subject alternative name of a device certificate is a URI");
        }
        Matcher matcher = URI.matcher(uri);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not an EDP device identity URI");
        }
        DeviceIdentity identity = new DeviceIdentity(UUID.fromString(matcher.group(1)), UUID.fromString(matcher.group(2)));
        if (!identity.deviceId().toString().equals(commonName(certificate))) {
            throw new IllegalArgumentException("Subject common name and identity URI disagree");
        }
        return identity;
    }

    private static String commonName(X509Certificate certificate) {
        try {
            var cns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> "CN".equalsIgnoreCase(rdn.getType())).toList();
            return cns.size() == 1 ? String.valueOf(cns.getFirst().getValue()) : "";
        }
        catch (InvalidNameException ex) {
            return "";
        }
    }
}
