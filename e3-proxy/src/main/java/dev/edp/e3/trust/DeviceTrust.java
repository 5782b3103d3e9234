package dev.edp.e3.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.security.auth.x500.X500Principal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edp.platform.device.DeviceIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What E3 trusts, and the authoritative check of a device certificate on every request.
 * <p>
 * Holds the platform's device CA chain (trust anchors) and the revoked serials of the
 * current CRL, both refreshed from their {@link TrustSource}s by
 * {@link #refreshTrustAnchors()} and {@link #refreshRevocations()} (E3 calls them on a
 * schedule). {@link #verify} checks a presented chain: path to a platform root (PKIX,
 * signatures, CA constraints, validity now), extended key usage clientAuth, the EDP
 * identity, and the revoked set. Path results are cached per certificate (a bounded cache
 * sized for the fleet, {@code pathCacheSize}, least recently used entries evicted one by
 * one) until the trust anchors change; the validity window and the revoked set are
 * checked every time.
 * <p>
 * When the CRL cannot be refreshed (onboarding busy or down), the last valid CRL keeps
 * deciding: after {@code staleAfter} without a successful refresh it counts as stale
 * (health detail, metric, alert), and only at {@link #failClosedAt()} — its
 * {@code nextUpdate} or {@code maxAge} after the last successful refresh, whichever is
 * earlier — does {@link #verify} fail closed, because then nothing vouches for the
 * revocation state any more. The trade-off (a device revoked during the outage keeps
 * access at most that long, against the whole fleet refused at the first hiccup) is
 * written in docs/security.md.
 */
public final class DeviceTrust {

    private static final Logger log = LoggerFactory.getLogger(DeviceTrust.class);

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /**
     * Default size of the path cache: a fleet's devices, each with its current
     * certificate.
     */
    public static final int DEFAULT_PATH_CACHE_SIZE = 100_000;

    /** Why a certificate was refused, or that it was accepted. */
    public enum Outcome {

        ACCEPTED, NO_CERTIFICATE, EXPIRED, NOT_YET_VALID, UNTRUSTED, NOT_A_DEVICE_CERTIFICATE, REVOKED,
        TRUST_UNAVAILABLE

    }

    /** The result of a check: the outcome and, when accepted, who the device is. */
    public record Verification(Outcome outcome, DeviceIdentity identity, BigInteger serial) {

        static Verification refused(Outcome outcome) {
            return new Verification(outcome, null, null);
        }

        /**
         * @return whether the device may pass
         */
        public boolean accepted() {
            return outcome == Outcome.ACCEPTED;
        }
    }

    private record Anchors(List<X509Certificate> certificates, Set<TrustAnchor> roots,
            Map<X500Principal, X509Certificate> cas) {
    }

    private record CachedPath(Verification verification, Instant notBefore, Instant notAfter) {
    }

    private final TrustSource anchorSource;

    private final TrustSource crlSource;

    private final Duration staleAfter;

    private final Duration revocationMaxAge;

    private final Clock clock;

    private volatile Anchors anchors;

    private volatile String anchorsDigest;

    private volatile Map<X500Principal, Set<BigInteger>> revoked = Map.of();

    private volatile Instant revocationsRefreshedAt;

    private volatile TrustSource.Version crlVersion;

    private volatile BigInteger crlNumber;

    private volatile Instant crlNextUpdate;

    private volatile String lastError;

    /** Only the refresh thread touches these two. */
    private long failedRefreshes;

    private boolean lastRefreshUsable = true;

    /*
     * Keyed by the SHA-256 of the leaf alone: the path is built only from the platform's
     * own CA certificates, never from what the client sent, so the rest of the presented
     * chain cannot change the result; a change of the CAs empties the cache.
     */
    private final Cache<String, CachedPath> paths;

    private final LongAdder pathValidations = new LongAdder();

    /**
     * @param anchorSource where the CA chain comes from
     * @param crlSource where the CRL comes from
     * @param staleAfter how long without a CRL refresh before the CRL counts as stale
     * (alert only)
     * @param revocationMaxAge how long without a CRL refresh before failing closed
     * (earlier if the CRL's {@code nextUpdate} passes first)
     * @param clock the clock
     */
    public DeviceTrust(TrustSource anchorSource, TrustSource crlSource, Duration staleAfter, Duration revocationMaxAge,
            Clock clock) {
        this(anchorSource, crlSource, staleAfter, revocationMaxAge, clock, DEFAULT_PATH_CACHE_SIZE);
    }

    /**
     * @param anchorSource where the CA chain comes from
     * @param crlSource where the CRL comes from
     * @param staleAfter how long without a CRL refresh before the CRL counts as stale
     * (alert only)
     * @param revocationMaxAge how long without a CRL refresh before failing closed
     * (earlier if the CRL's {@code nextUpdate} passes first)
     * @param clock the clock
     * @param pathCacheSize how many certificates' path results are kept
     */
    public DeviceTrust(TrustSource anchorSource, TrustSource crlSource, Duration staleAfter, Duration revocationMaxAge,
            Clock clock, int pathCacheSize) {
        // Evictions on the caller's thread: a few map operations, and no pool thread
        // needed for them.
        this.paths = Caffeine.newBuilder().maximumSize(pathCacheSize).executor(Runnable::run).build();
        this.anchorSource = anchorSource;
        this.crlSource = crlSource;
        this.staleAfter = staleAfter;
        this.revocationMaxAge = revocationMaxAge;
        this.clock = clock;
    }

    /**
     * Checks a presented client certificate chain now.
     * @param presented the peer certificates of the TLS session, leaf first (null or
     * empty: none)
     * @return the verification
     */
    public Verification verify(X509Certificate[] presented) {
        if (presented == null || presented.length == 0) {
            return Verification.refused(Outcome.NO_CERTIFICATE);
        }
        Anchors current = anchors;
        if (current == null || !revocationUsable()) {
            return Verification.refused(Outcome.TRUST_UNAVAILABLE);
        }
        X509Certificate leaf = presented[0];
        Instant now = clock.instant();
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return Verification.refused(Outcome.NOT_YET_VALID);
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return Verification.refused(Outcome.EXPIRED);
        }
        String key = fingerprint(leaf);
        CachedPath cached = paths.getIfPresent(key);
        if (cached == null || now.isBefore(cached.notBefore()) || now.isAfter(cached.notAfter())) {
            cached = validatePath(leaf, current, now);
            paths.put(key, cached);
        }
        Verification verification = cached.verification();
        if (!verification.accepted()) {
            return verification;
        }
        if (revoked.getOrDefault(leaf.getIssuerX500Principal(), Set.of()).contains(leaf.getSerialNumber())) {
            return Verification.refused(Outcome.REVOKED);
        }
        return verification;
    }

    /**
     * @return how many PKIX path validations this instance has run (cache misses)
     */
    public long pathValidations() {
        return pathValidations.sum();
    }

    private CachedPath validatePath(X509Certificate leaf, Anchors current, Instant now) {
        pathValidations.increment();
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate cursor = leaf;
        // Build the path only from the platform's own CA certificates, never from what
        // the client sent.
        for (int depth = 0; depth < 5; depth++) {
            X509Certificate issuer = current.cas().get(cursor.getIssuerX500Principal());
            if (issuer == null || isRoot(issuer)) {
                break;
            }
            path.add(issuer);
            cursor = issuer;
        }
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        for (X509Certificate certificate : path) {
            notBefore = max(notBefore, certificate.getNotBefore().toInstant());
            notAfter = min(notAfter, certificate.getNotAfter().toInstant());
        }
        try {
            PKIXParameters parameters = new PKIXParameters(current.roots());
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        }
        catch (GeneralSecurityException ex) {
            log.debug("Device certificate {} refused: {}", leaf.getSubjectX500Principal(), ex.getMessage());
            return new CachedPath(Verification.refused(Outcome.UNTRUSTED), notBefore, notAfter);
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages == null || !usages.contains(CLIENT_AUTH) || leaf.getBasicConstraints() >= 0) {
                return new CachedPath(Verification.refused(Outcome.NOT_A_DEVICE_CERTIFICATE), notBefore, notAfter);
            }
            DeviceIdentity identity = DeviceIdentity.fromCertificate(leaf);
            return new CachedPath(new Verification(Outcome.ACCEPTED, identity, leaf.getSerialNumber()), notBefore,
                    notAfter);
        }
        catch (GeneralSecurityException | IllegalArgumentException ex) {
            return new CachedPath(Verification.refused(Outcome.NOT_A_DEVICE_CERTIFICATE), notBefore, notAfter);
        }
    }

    /**
     * @return when device routes fail closed unless a CRL refresh succeeds before: the
     * held CRL's {@code nextUpdate} or the last refresh plus the maximum age, whichever
     * is earlier; null before the first CRL
     */
    public Instant failClosedAt() {
        Instant refreshed = revocationsRefreshedAt;
        if (refreshed == null) {
            return null;
        }
        Instant ceiling = refreshed.plus(revocationMaxAge);
        Instant nextUpdate = crlNextUpdate;
        return nextUpdate != null && nextUpdate.isBefore(ceiling) ? nextUpdate : ceiling;
    }

    /**
     * @return whether the revoked set may still decide (false: fail closed)
     */
    public boolean revocationUsable() {
        Instant until = failClosedAt();
        return until != null && !clock.instant().isAfter(until);
    }

    /**
     * @return whether the CRL was refreshed within the stale-after window and is usable
     * (false: alert)
     */
    public boolean revocationFresh() {
        Instant refreshed = revocationsRefreshedAt;
        return refreshed != null && !clock.instant().isAfter(refreshed.plus(staleAfter)) && revocationUsable();
    }

    /**
     * @return when the CRL was last fetched or confirmed unchanged, or null
     */
    public Instant revocationsRefreshedAt() {
        return revocationsRefreshedAt;
    }

    /**
     * @return the trust anchors (CA certificates) now in use, for the TLS certificate
     * request
     */
    public X509Certificate[] acceptedIssuers() {
        Anchors current = anchors;
        return current == null ? new X509Certificate[0] : current.certificates().toArray(X509Certificate[]::new);
    }

    /**
     * @return a summary for health: sources, freshness, counts, last error
     */
    public Map<String, Object> status() {
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("trustAnchors", anchorSource.location());
        status.put("trustAnchorCount", anchors == null ? 0 : anchors.certificates().size());
        status.put("crl", crlSource.location());
        status.put("crlRefreshedAt", String.valueOf(revocationsRefreshedAt));
        status.put("crlNumber", String.valueOf(crlNumber));
        status.put("revokedSerials", revoked.values().stream().mapToInt(Set::size).sum());
        status.put("crlNextUpdate", String.valueOf(crlNextUpdate));
        status.put("crlStale", !revocationFresh());
        status.put("revocationStaleAfter", staleAfter.toString());
        status.put("revocationMaxAge", revocationMaxAge.toString());
        status.put("failClosedAt", String.valueOf(failClosedAt()));
        status.put("failClosed", !revocationUsable() || anchors == null);
        if (lastError != null) {
            status.put("lastError", lastError);
        }
        return status;
    }

    /** Loads the CA chain again; keeps the previous one when the source fails. */
    public void refreshTrustAnchors() {
        try {
            TrustSource.Fetched fetched = anchorSource.fetch(null);
            String digest = Base64.getEncoder().encodeToString(sha256(fetched.body()));
            if (digest.equals(anchorsDigest)) {
                return;
            }
            List<X509Certificate> certificates = parseCertificates(fetched.body());
            Set<TrustAnchor> roots = new HashSet<>();
            Map<X500Principal, X509Certificate> cas = new HashMap<>();
            for (X509Certificate certificate : certificates) {
                if (certificate.getBasicConstraints() < 0) {
                    continue;
                }
                cas.put(certificate.getSubjectX500Principal(), certificate);
                if (isRoot(certificate)) {
                    roots.add(new TrustAnchor(certificate, null));
                }
            }
            if (roots.isEmpty()) {
                throw new IOException("the CA chain from " + anchorSource.location() + " holds no root CA");
            }
            anchors = new Anchors(List.copyOf(cas.values()), Set.copyOf(roots), Map.copyOf(cas));
            anchorsDigest = digest;
            paths.invalidateAll();
            log.info("Device trust anchors loaded from {}: {}", anchorSource.location(), cas.keySet());
        }
        catch (IOException | GeneralSecurityException | RuntimeException ex) {
            lastError = "trust anchors: " + ex.getMessage();
            log.warn("Cannot load the device trust anchors from {}: {}", anchorSource.location(), ex.getMessage());
        }
    }

    /**
     * Fetches the CRL if it changed; on success (also "not modified") the revoked set
     * counts as fresh.
     */
    public void refreshRevocations() {
        Anchors current = anchors;
        if (current == null) {
            refreshTrustAnchors();
            current = anchors;
            if (current == null) {
                return;
            }
        }
        try {
            TrustSource.Fetched fetched = crlSource.fetch(crlVersion);
            if (!fetched.notModified()) {
                X509CRL crl = parseCrl(fetched.body());
                X509Certificate issuer = current.cas().get(crl.getIssuerX500Principal());
                if (issuer == null) {
                    throw new GeneralSecurityException(
                            "CRL issuer " + crl.getIssuerX500Principal() + " is not a platform CA");
                }
                crl.verify(issuer.getPublicKey());
                BigInteger number = crlNumber(crl);
                if (number != null && crlNumber != null && number.compareTo(crlNumber) < 0) {
                    throw new GeneralSecurityException("CRL number " + number + " is older than " + crlNumber);
                }
                Set<BigInteger> serials = new HashSet<>();
                Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
                if (entries != null) {
                    entries.forEach(entry -> serials.add(entry.getSerialNumber()));
                }
                Map<X500Principal, Set<BigInteger>> next = new HashMap<>(revoked);
                next.put(crl.getIssuerX500Principal(), Set.copyOf(serials));
                revoked = Map.copyOf(next);
                crlNumber = number;
                crlNextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
                crlVersion = fetched.version();
            }
            revocationsRefreshedAt = clock.instant();
            lastError = null;
            if (failedRefreshes > 0) {
                log.info("CRL refreshed from {} again after {} failed attempts", crlSource.location(), failedRefreshes);
            }
            failedRefreshes = 0;
            lastRefreshUsable = true;
        }
        catch (IOException | GeneralSecurityException | RuntimeException ex) {
            lastError = "crl: " + ex.getMessage();
            Instant until = failClosedAt();
            boolean usable = until != null && !clock.instant().isAfter(until);
            // One line when it starts, when it closes and then every 30th attempt (a
            // minute at 2 s), not 30 a minute.
            boolean worthALine = failedRefreshes++ % 30 == 0 || usable != lastRefreshUsable;
            lastRefreshUsable = usable;
            if (worthALine && usable) {
                log.warn("Cannot refresh the CRL from {}: {}; the last one (number {}) decides until {}",
                        crlSource.location(), ex.getMessage(), crlNumber, until);
            }
            else if (worthALine) {
                log.warn("Cannot refresh the CRL from {}: {}; device routes fail closed", crlSource.location(),
                        ex.getMessage());
            }
        }
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] extension = crl.getExtensionValue("2.5.29.20");
        if (extension == null) {
            return null;
        }
        // OCTET STRING wrapping an INTEGER: skip both DER headers (short lengths; CRL
        // numbers are <= 20 octets).
        byte[] integer = Arrays.copyOfRange(extension, 2, extension.length);
        return new BigInteger(Arrays.copyOfRange(integer, 2, integer.length));
    }

    private static List<X509Certificate> parseCertificates(byte[] pem) throws GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        factory.generateCertificates(new ByteArrayInputStream(pem))
            .forEach(certificate -> certificates.add((X509Certificate) certificate));
        return certificates;
    }

    private static X509CRL parseCrl(byte[] body) throws GeneralSecurityException {
        String text = new String(body, StandardCharsets.US_ASCII);
        byte[] der = body;
        if (text.contains("-----BEGIN X509 CRL-----")) {
            String base64 = text.substring(text.indexOf("-----BEGIN X509 CRL-----") + 24,
                    text.indexOf("-----END X509 CRL-----"));
            der = Base64.getMimeDecoder().decode(base64);
        }
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    private static boolean isRoot(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        }
        catch (GeneralSecurityException ex) {
            return false;
        }
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(sha256(certificate.getEncoded()));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
