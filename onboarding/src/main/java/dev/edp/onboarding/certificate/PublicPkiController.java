package dev.edp.onboarding.certificate;

import java.nio.charset.StandardCharsets;

import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.Pem;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What anyone may download without credentials: the CRL (DER and PEM) and the CA chain. */
@RestController
class PublicPkiController {

    static final MediaType PKIX_CRL = MediaType.parseMediaType("application/pkix-crl");
    static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");

    private final CrlPublisher crl;
    private final CertificateAuthority ca;

    PublicPkiController(CrlPublisher crl, CertificateAuthority ca) {
        this.crl = crl;
        this.ca = ca;
    }

    @GetMapping("/onboarding/api/v1/crl")
    ResponseEntity<byte[]> crlDer(HttpServletRequest request) {
        return crl(request, false);
    }

    @GetMapping("/onboarding/api/v1/crl.pem")
    ResponseEntity<byte[]> crlPem(HttpServletRequest request) {
        return crl(request, true);
    }

    @GetMapping("/onboarding/api/v1/ca/chain.pem")
    ResponseEntity<String> chain() {
        return ResponseEntity.ok().contentType(PEM).body(Pem.certificates(ca.chain()));
    }

    private ResponseEntity<byte[]> crl(HttpServletRequest request, boolean pem) {
        CrlPublisher.PublishedCrl current = crl.current().orElseGet(crl::rebuild);
        long lastModified = current.thisUpdate().toEpochMilli();
        long ifModifiedSince;
        try {
            ifModifiedSince = request.getDateHeader("If-Modified-Since");
        }
        catch (IllegalArgumentException ex) {
            ifModifiedSince = -1;
        }
        if (ifModifiedSince >= 0 && lastModified / 1000 <= ifModifiedSince / 1000) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).lastModified(lastModified).build();
        }
        byte[] body = pem ? Pem.crl(current.der()).getBytes(StandardCharsets.US_ASCII) : current.der();
        return ResponseEntity.ok().contentType(pem ? PEM : PKIX_CRL).lastModified(lastModified)
                .cacheControl(CacheControl.noCache()).body(body);
    }
}
