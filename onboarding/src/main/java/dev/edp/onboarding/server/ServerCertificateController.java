package dev.edp.onboarding.server;

import java.util.List;

import dev.edp.platform.security.Tenant;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Internal: TLS server certificates for the platform's own servers (E3), from the
 * platform CA. Only the platform's service client may call it (the gateway does not route
 * {@code /internal}).
 */
@RestController
@RequestMapping("/api/onboarding/v1/internal")
class ServerCertificateController {

    record ServerCertificateRequestBody(String csr, List<String> dnsNames, List<String> ipAddresses) {
    }

    record ServerCertificateResponse(String certificate, String chain, String serial, java.time.Instant notAfter) {
    }

    private final ServerCertificateService service;

    ServerCertificateController(ServerCertificateService service) {
        this.service = service;
    }

    @PostMapping("/server-certificates")
    @PreAuthorize("hasRole('platform-service')")
    ServerCertificateResponse issue(Tenant caller, @RequestBody ServerCertificateRequestBody body) {
        return service.issue(caller, body);
    }

}
