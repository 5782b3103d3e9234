package dev.edp.e3.assertion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * E3's ES256 keys for the device identity assertion, and the signing.
 * <p>
 * Rotation without downtime: {@link #rotate()} publishes a new key in the JWKS at once but signs
 * with it only after {@code publishLead}, so services that cached the JWKS know it before the first
 * assertion arrives; the old key stays published for {@code retention} (assertion lifetime plus a
 * margin) after the switch. During an overlap the JWKS holds two keys.
 * <p>
 * Keys live in this process's memory only: a restarted E3 publishes a new key (assertions live
 * seconds, so nothing breaks); several E3 replicas would each need their JWKS to be found by the
 * services — see e3-proxy/README.md.
 */
public final class DeviceAssertionKeys {

    /** The issuer claim of every assertion. */
    public static final String ISSUER = "edp-e3";

    private record Entry(ECKey key, ECDSASigner signer, Instant activeFrom, Instant retireAt) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final Duration publishLead;
    private final Duration retention;
    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param clock the clock
     * @param ttl lifetime of an assertion
     * @param publishLead how long a new key is published before it signs
     */
    public DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead) {
        this.clock = clock;
        this.ttl = ttl;
        this.publishLead = publishLead;
        this.retention = ttl.plusSeconds(60);
        entries.add(generate(clock.instant()));
    }

    /** Publishes a new key now; it signs after the publish lead, and the key it replaces retires after that plus the retention. */
    public synchronized void rotate() {
        Instant now = clock.instant();
        prune(now);
        Entry next = generate(now.plus(publishLead));
        List<Entry> updated = new ArrayList<>();
        for (Entry entry : entries) {
            updated.add(entry.retireAt() == null
                    ? new Entry(entry.key(), entry.signer(), entry.activeFrom(), next.activeFrom().plus(retention))
                    : entry);
        }
        updated.add(next);
        entries.clear();
        entries.addAll(updated);
    }

    /** @return the public keys to publish (JWKS JSON) */
    public synchronized Map<String, Object> jwks() {
        prune(clock.instant());
        List<JWK> keys = entries.stream().map(entry -> (JWK) entry.key().toPublicJWK()).toList();
        return new JWKSet(keys).toJSONObject(true);
    }

    /**
     * Signs an assertion for a device.
     * @param device the verified device
     * @param audience the service the request goes to
     * @param method the HTTP method
     * @param path the request path
     * @return the compact JWS
     */
    public String sign(AuthenticatedDevice device, String audience, String method, String path) {
        Entry entry = signing();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(device.deviceId().toString())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("customer_id", device.customerId().toString())
                .claim("serial", device.serial().toString(16))
                .claim("htm", method)
                .claim("htp", path)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(entry.key().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(entry.signer());
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot sign the device assertion", ex);
        }
        return jwt.serialize();
    }

    private synchronized Entry signing() {
        Instant now = clock.instant();
        Entry chosen = null;
        for (Entry entry : entries) {
            if (!entry.activeFrom().isAfter(now) && (chosen == null || entry.activeFrom().isAfter(chosen.activeFrom()))) {
                chosen = entry;
            }
        }
        return chosen;
    }

    private void prune(Instant now) {
        entries.removeIf(entry -> entry.retireAt() != null && now.isAfter(entry.retireAt()));
    }

    private static Entry generate(Instant activeFrom) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID(UUID.randomUUID().toString()).issueTime(Date.from(activeFrom)).generate();
            return new Entry(key, new ECDSASigner(key), activeFrom, null);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot generate an assertion key", ex);
        }
    }
}
