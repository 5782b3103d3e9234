package dev.edp.onboarding.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.OnboardingProperties;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.ServerCertificateRequest;
import dev.edp.onboarding.pki.ValidatedCsr;
import dev.edp.onboarding.server.ServerCertificateController.ServerCertificateRequestBody;
import dev.edp.onboarding.server.ServerCertificateController.ServerCertificateResponse;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Checks a server certificate request (CSR key checks as for devices, names) and has the
 * CA issue it. Server certificates are not device certificates: they are not stored with
 * them, never appear in device listings or the device CRL bookkeeping, and are audited in
 * the log ({@code edp.audit} logger) with the caller, serial, names and key fingerprint.
 */
@Service
class ServerCertificateService {

    private static final Logger audit = LoggerFactory.getLogger("edp.audit");

    /**
     * RFC 1123 label: letters, digits, hyphens; not starting or ending with a hyphen;
     * 1–63 characters.
     */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final CertificateAuthority ca;

    private final CsrValidator csrs = new CsrValidator();

    private final Duration validity;

    private final MeterRegistry meters;

    ServerCertificateService(CertificateAuthority ca, MeterRegistry meters, OnboardingProperties properties) {
        this.ca = ca;
        this.meters = meters;
        this.validity = properties.serverCertificate().validity();
    }

    ServerCertificateResponse issue(Tenant caller, ServerCertificateRequestBody body) {
        if (body == null || body.csr() == null || body.csr().isBlank()) {
            throw invalid(Map.of("csr", "A PEM certificate signing request is required."));
        }
        List<String> dnsNames = body.dnsNames() == null ? List.of() : body.dnsNames();
        List<String> ips = body.ipAddresses() == null ? List.of() : body.ipAddresses();
        Map<String, String> errors = new LinkedHashMap<>();
        int total = dnsNames.size() + ips.size();
        if (total == 0 || total > ServerCertificateRequest.MAX_NAMES) {
            errors.put("dnsNames",
                    "Give 1 to " + ServerCertificateRequest.MAX_NAMES + " names in dnsNames and ipAddresses together.");
        }
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < dnsNames.size(); i++) {
            String name = dnsNames.get(i) == null ? "" : dnsNames.get(i).toLowerCase(Locale.ROOT);
            if (!hostname(name)) {
                errors.put("dnsNames[" + i + "]", "Not a hostname (letters, digits, hyphens and dots; no wildcards).");
            }
            else if (!dns.contains(name)) {
                dns.add(name);
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            try {
                // ofLiteral never resolves names: only textual IPv4/IPv6 addresses pass.
                InetAddress address = InetAddress.ofLiteral(ips.get(i));
                if (!addresses.contains(address)) {
                    addresses.add(address);
                }
            }
            catch (IllegalArgumentException | NullPointerException ex) {
                errors.put("ipAddresses[" + i + "]", "Not an IPv4 or IPv6 address.");
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        ValidatedCsr csr = csrs.validate(body.csr());
        IssuedCertificate issued = ca.issueServer(new ServerCertificateRequest(csr, dns, addresses, validity));
        meters.counter("edp.onboarding.server.certificates.issued").increment();
        audit.info("SERVER_CERTIFICATE_ISSUED serial={} dnsNames={} ipAddresses={} notAfter={} keySha256={} actor={}",
                issued.serialHex(), dns, addresses.stream().map(InetAddress::getHostAddress).toList(),
                issued.notAfter(), csr.publicKeyFingerprint(), caller.subject());
        return new ServerCertificateResponse(Pem.certificate(issued.certificate()), Pem.certificates(issued.chain()),
                issued.serialHex(), issued.notAfter());
    }

    static boolean hostname(String name) {
        if (name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static EdpException invalid(Map<String, String> errors) {
        return OnboardingProblem.SERVER_CERTIFICATE_REQUEST_INVALID
            .exception("Invalid fields: " + String.join(", ", errors.keySet()) + ".")
            .with("errors", errors);
    }

}
