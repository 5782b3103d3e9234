package dev.edp.onboarding.certificate;

import java.nio.charset.StandardCharsets;

import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.Pem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What anyone may download without credentials: the CRL (DER and PEM) and the CA chain. */
@RestController
@Tag(name = "Device: CRL and CA chain", description = "What anyone may download without credentials")
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
    @Operation(summary = "The current CRL, DER; If-Modified-Since answers 304 when unchanged")
    @ApiResponse(responseCode = "200", description = "The CRL (Last-Modified: its thisUpdate)",
            content = @Content(mediaType = "application/pkix-crl", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "304", description = "Not modified since If-Modified-Since")
    ResponseEntity<byte[]> crlDer(HttpServletRequest request) {
        return crl(request, false);
    }

    @GetMapping("/onboarding/api/v1/crl.pem")
    @Operation(summary = "The current CRL, PEM; If-Modified-Since answers 304 when unchanged")
    @ApiResponse(responseCode = "200", description = "The CRL as an X509 CRL block (Last-Modified: its thisUpdate)",
            content = @Content(mediaType = "application/x-pem-file", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "304", description = "Not modified since If-Modified-Since")
    ResponseEntity<byte[]> crlPem(HttpServletRequest request) {
        return crl(request, true);
    }

    @GetMapping("/onboarding/api/v1/ca/chain.pem")
    @Operation(summary = "The CA chain, PEM: issuing CA first, root last")
    @ApiResponse(responseCode = "200", description = "CERTIFICATE blocks",
            content = @Content(mediaType = "application/x-pem-file", schema = @Schema(type = "string")))
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
