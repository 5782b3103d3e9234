package dev.edp.onboarding;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import dev.edp.onboarding.pki.Pkcs7;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The answers of EST (RFC 7030) {@code cacerts}, {@code simpleenroll} and
 * {@code simplereenroll}: base64 (lines of 64, CRLF) of a certs-only PKCS#7, with
 * {@code Content-Transfer-Encoding: base64} as RFC 7030 section 4 requires.
 */
public final class EstResponses {

    /** The media type of the answers. */
    public static final String PKCS7 = "application/pkcs7-mime";

    private EstResponses() {
    }

    /**
     * @param certificates what the PKCS#7 holds
     * @param cache the answer's caching ({@link CacheControl#empty()}: no header)
     * @return 200 with the base64 PKCS#7
     */
    public static ResponseEntity<String> certsOnly(List<X509Certificate> certificates, CacheControl cache) {
        String encoded = Base64.getMimeEncoder(64, "\r\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(Pkcs7.certsOnly(certificates)) + "\r\n";
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(PKCS7 + "; smime-type=certs-only"))
            .cacheControl(cache)
            .header("Content-Transfer-Encoding", "base64")
            .body(encoded);
    }

}
