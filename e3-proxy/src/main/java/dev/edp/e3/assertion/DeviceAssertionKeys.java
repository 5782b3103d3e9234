package dev.edp.e3.assertion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.platform.device.DeviceAssertionVerifier;

/**
 * E3's ES256 keys for the device identity assertion, and the signing.
 * <p>
 * Rotation without downtime: a rotation publishes a new key in the JWKS at once but signs with it
 * only after {@code publishLead}, so services that cached the JWKS know it before the first
 * assertion arrives; the old key stays published for {@code retention} (assertion lifetime plus a
 * margin) after the switch. During an overlap the JWKS holds two keys.
 * <p>
 * Two modes. <b>In memory</b> ({@link #DeviceAssertionKeys(Clock, Duration, Duration)}): keys live in
 * this process only, {@link #rotate()} rotates — right for a single replica. <b>Shared</b>
 * ({@link #shared}): the key set lives in an {@link AssertionKeyFile} all replicas read; rotations
 * are written to the file under its lock and {@link #reload()} makes every replica pick them up,
 * so all replicas sign with the same key and publish the same JWKS.
 */
public final class DeviceAssertionKeys {

    /** The issuer claim of every assertion. */
    public static final String ISSUER = "edp-e3";

    /** A key with when it starts signing and when it leaves the JWKS (null: not scheduled). */
    record Entry(ECKey key, ECDSASigner signer, Instant activeFrom, Instant retireAt) {

        static Entry of(ECKey key, Instant activeFrom, Instant retireAt) {
            try {
                return new Entry(key, new ECDSASigner(key), activeFrom, retireAt);
            }
            catch (JOSEException ex) {
                throw new IllegalStateException("Unusable assertion key " + key.getKeyID(), ex);
            }
        }
    }

    private final Clock clock;
    private final Duration ttl;
    private final Duration publishLead;
    private final Duration retention;
    private final Duration rotation;
    private final AssertionKeyFile file;
    private volatile List<Entry> entries;

    /**
     * In-memory keys (one replica).
     * @param clock the clock
     * @param ttl lifetime of an assertion
     * @param publishLead how long a new key is published before it signs
     */
    public DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead) {
        this(clock, ttl, publishLead, null, null);
        entries = List.of(generate(clock.instant()));
    }

    private DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead, Duration rotation, AssertionKeyFile file) {
        this.clock = clock;
        this.ttl = ttl;
        this.publishLead = publishLead;
        this.retention = ttl.plusSeconds(60);
        this.rotation = rotation;
        this.file = file;
    }

    /**
     * Keys shared by all replicas through a key file; creates the file (under its lock) if absent.
     * @param file the key file
     * @param clock the clock
     * @param ttl lifetime of an assertion
     * @param publishLead how long a new key is published before it signs
     * @param rotation how old the newest key may get before a replica rotates
     * @return the keys, loaded
     */
    public static DeviceAssertionKeys shared(AssertionKeyFile file, Clock clock, Duration ttl, Duration publishLead,
            Duration rotation) {
        DeviceAssertionKeys keys = new DeviceAssertionKeys(clock, ttl, publishLead, rotation, file);
        keys.entries = file.update(current -> current.isEmpty() ? List.of(generate(clock.instant())) : current);
        return keys;
    }

    /** @return whether the keys come from a shared key file */
    public boolean isShared() {
        return file != null;
    }

    /**
     * Scheduled rotation. In memory: rotates. Shared: rotates (in the file) only when the newest
     * key is older than the rotation interval, so replicas calling this at the same time rotate once.
     */
    public void rotate() {
        if (file == null) {
            synchronized (this) {
                entries = rotated(entries, clock.instant());
            }
            return;
        }
        entries = file.update(current -> {
            Instant now = clock.instant();
            Instant newest = current.stream().map(Entry::activeFrom).max(Comparator.naturalOrder()).orElse(Instant.MIN);
            return newest.plus(rotation).isAfter(now) ? current : rotated(current, now);
        });
    }

    /**
     * Rotates now (the admin endpoint), unless a rotation is already pending (a key published but
     * not signing yet): repeated calls do not pile up keys.
     * @return whether a new key was added
     */
    public boolean rotateNow() {
        Instant[] before = new Instant[1];
        java.util.function.UnaryOperator<List<Entry>> change = current -> {
            Instant now = clock.instant();
            boolean pending = current.stream().anyMatch(entry -> entry.activeFrom().isAfter(now));
            before[0] = pending ? null : now;
            return pending ? current : rotated(current, now);
        };
        if (file == null) {
            synchronized (this) {
                entries = change.apply(entries);
            }
        }
        else {
            entries = file.update(change);
        }
        return before[0] != null;
    }

    /** Shared mode: reads the key file again if it changed (another replica rotated, or an operator edited it). */
    public void reload() {
        if (file != null) {
            List<Entry> loaded = file.readIfChanged();
            if (loaded != null && !loaded.isEmpty()) {
                entries = loaded;
            }
        }
    }

    private List<Entry> rotated(List<Entry> current, Instant now) {
        Entry next = generate(now.plus(publishLead));
        List<Entry> updated = new ArrayList<>();
        for (Entry entry : current) {
            if (entry.retireAt() != null && now.isAfter(entry.retireAt())) {
                continue;
            }
            updated.add(entry.retireAt() == null
                    ? new Entry(entry.key(), entry.signer(), entry.activeFrom(), next.activeFrom().plus(retention))
                    : entry);
        }
        updated.add(next);
        return List.copyOf(updated);
    }

    /** @return the public keys to publish (JWKS JSON) */
    public Map<String, Object> jwks() {
        Instant now = clock.instant();
        List<JWK> keys = entries.stream()
                .filter(entry -> entry.retireAt() == null || !now.isAfter(entry.retireAt()))
                .map(entry -> (JWK) new ECKey.Builder(entry.key().getCurve(), entry.key().getX(), entry.key().getY())
                        .keyID(entry.key().getKeyID()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).build())
                .toList();
        return new JWKSet(keys).toJSONObject(true);
    }

    /**
     * Signs E3's assertion for one routed request: bound to the service (audience), method, raw
     * path and raw query ({@code htq}: base64url SHA-256 of the query as sent, the empty string when
     * there is none), carrying the client's address as E3 saw it ({@code cip}) and, for a request
     * with a verified device certificate, the device ({@code sub}, {@code customer_id},
     * {@code serial}, {@code cert_exp}). Without a device there is no {@code sub}: services can then
     * read the address but never take the request for a device's.
     * @param device the verified device, or null when the request has none
     * @param audience the service the request goes to
     * @param method the HTTP method
     * @param path the raw request path
     * @param rawQuery the raw query string (without {@code ?}), or null
     * @param clientAddress the client's IP address (TCP peer of the TLS connection)
     * @return the compact JWS
     */
    public String sign(AuthenticatedDevice device, String audience, String method, String path, String rawQuery,
            String clientAddress) {
        Instant now = clock.instant();
        Entry entry = signing(now);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("htm", method)
                .claim("htp", path)
                .claim("htq", queryHash(rawQuery))
                .claim("cip", clientAddress);
        if (device != null) {
            claims.subject(device.deviceId().toString())
                    .claim("customer_id", device.customerId().toString())
                    .claim("serial", device.serial().toString(16))
                    .claim("cert_exp", device.certificateNotAfter().getEpochSecond());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(entry.key().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(entry.signer());
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot sign the device assertion", ex);
        }
        return jwt.serialize();
    }

    /**
     * @param rawQuery the raw query, or null
     * @return the {@code htq} claim: base64url (no padding) of its SHA-256, as the services' verifier computes it
     */
    static String queryHash(String rawQuery) {
        return DeviceAssertionVerifier.queryHash(rawQuery);
    }

    private Entry signing(Instant now) {
        Entry chosen = null;
        Entry earliest = null;
        for (Entry entry : entries) {
            if (!entry.activeFrom().isAfter(now) && (chosen == null || entry.activeFrom().isAfter(chosen.activeFrom()))) {
                chosen = entry;
            }
            if (earliest == null || entry.activeFrom().isBefore(earliest.activeFrom())) {
                earliest = entry;
            }
        }
        // A file written by a replica whose clock runs slightly ahead: sign with its earliest key rather than fail.
        return chosen != null ? chosen : earliest;
    }

    static Entry generate(Instant activeFrom) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID(UUID.randomUUID().toString()).issueTime(Date.from(activeFrom)).generate();
            return Entry.of(key, activeFrom, null);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot generate an assertion key", ex);
        }
    }
}
