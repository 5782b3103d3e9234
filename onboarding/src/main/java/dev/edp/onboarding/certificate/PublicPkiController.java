package dev.edp.onboarding.certificate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.Pem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What anyone may download without credentials: the CRL (DER and PEM) and the CA chain.
 * <p>
 * The CRL carries a strong {@code ETag} (SHA-256 of the bytes served, so DER and PEM
 * differ) next to {@code Last-Modified}. Clients must revalidate with
 * {@code If-None-Match}: {@code Last-Modified} has one-second resolution, and two
 * revocations within one second publish two CRLs with the same date, so a date-only
 * {@code If-Modified-Since} would be told "not modified" about the second one. When
 * {@code If-None-Match} is present, {@code If-Modified-Since} is ignored (RFC 9110,
 * 13.2.2). The CRL comes from memory ({@link CrlPublisher#served()}), never waiting for
 * the database.
 */
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
            content = @Content(mediaType = "application/pkix-crl",
                    schema = @Schema(type = "string", format = "binary")))
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
        // From memory: E3 asks every two seconds, and must get its answer when the pool
        // is busy or the database is down. Only before the first CRL was loaded (the
        // first moments) is the database asked.
        CrlPublisher.PublishedCrl current = crl.served().orElseGet(() -> {
            crl.reload();
            return crl.served().orElseGet(crl::rebuild);
        });
        byte[] body = pem ? Pem.crl(current.der()).getBytes(StandardCharsets.US_ASCII) : current.der();
        String etag = etag(body);
        long lastModified = current.thisUpdate().toEpochMilli();
        if (notModified(request, etag, lastModified)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                .eTag(etag)
                .lastModified(lastModified)
                .cacheControl(CacheControl.noCache())
                .build();
        }
        return ResponseEntity.ok()
            .contentType(pem ? PEM : PKIX_CRL)
            .eTag(etag)
            .lastModified(lastModified)
            .cacheControl(CacheControl.noCache())
            .body(body);
    }

    /**
     * RFC 9110 13.1.2 and 13.1.3: If-None-Match (weak comparison) decides when present,
     * else If-Modified-Since.
     */
    static boolean notModified(HttpServletRequest request, String etag, long lastModified) {
        String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            for (String candidate : ifNoneMatch.split(",")) {
                String tag = candidate.strip();
                if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        long ifModifiedSince;
        try {
            ifModifiedSince = request.getDateHeader(HttpHeaders.IF_MODIFIED_SINCE);
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
        return ifModifiedSince >= 0 && lastModified / 1000 <= ifModifiedSince / 1000;
    }

    /**
     * A strong validator: the same bytes give the same tag, any other bytes another one.
     */
    static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
