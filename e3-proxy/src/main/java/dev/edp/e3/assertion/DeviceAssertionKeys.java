package dev.edp.e3.assertion;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import dev.edp.platform.device.DeviceProof;

/**
 * E3's keys for what it forwards to the services, and the making of it: the ES256 keys
 * that sign <b>device credentials</b>, and per key epoch a random master secret from
 * which each service's <b>request key</b> is derived ({@link DeviceProof#audienceKey
 * K_aud}) for the per-request proof.
 * <p>
 * A credential is signed once per device certificate and service and cached
 * ({@code credentialCacheSize} entries) until shortly before it expires
 * ({@code credentialTtl}, never past the certificate's notAfter); a proof is one HMAC per
 * request. So no request pays a public-key operation once its device's credential exists.
 * <p>
 * Rotation without downtime: a rotation publishes a new key (and its epoch's request
 * keys) at once but uses it only after {@code publishLead}, so services that cached the
 * keys know it before the first credential or proof arrives; the old key stays published
 * for {@code retention} (credential lifetime plus a margin) after the switch. During an
 * overlap two keys are published.
 * <p>
 * Two modes. <b>In memory</b> ({@link #DeviceAssertionKeys(Clock, Duration, Duration)}):
 * keys live in this process only, {@link #rotate()} rotates — right for a single replica.
 * <b>Shared</b> ({@link #shared}): the key set lives in an {@link AssertionKeyFile} all
 * replicas read; rotations are written to the file under its lock and {@link #reload()}
 * makes every replica pick them up, so all replicas sign with the same key, prove with
 * the same request keys and publish the same keys.
 */
public final class DeviceAssertionKeys {

    /** The issuer claim of every credential. */
    public static final String ISSUER = "edp-e3";

    /** Default number of credentials kept (devices × services a replica serves). */
    public static final int DEFAULT_CREDENTIAL_CACHE_SIZE = 300_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A key epoch: the signing key, the master secret of the request keys (null only
     * while read from a file written before masters existed, until a replica adds them),
     * when it starts being used and when it leaves the published keys (null: not
     * scheduled).
     */
    record Entry(ECKey key, ECDSASigner signer, byte[] master, Instant activeFrom, Instant retireAt,
            Map<String, Mac> requestKeys) {

        static Entry of(ECKey key, byte[] master, Instant activeFrom, Instant retireAt) {
            try {
                return new Entry(key, new ECDSASigner(key), master, activeFrom, retireAt, new ConcurrentHashMap<>());
            }
            catch (JOSEException ex) {
                throw new IllegalStateException("Unusable assertion key " + key.getKeyID(), ex);
            }
        }

        Entry retiringAt(Instant at) {
            return new Entry(key, signer, master, activeFrom, at, requestKeys);
        }

        Entry withMaster(byte[] value) {
            return new Entry(key, signer, value, activeFrom, retireAt, new ConcurrentHashMap<>());
        }

        String kid() {
            return key.getKeyID();
        }

        /**
         * The MAC of this epoch's request key for a service (derived once per service).
         */
        Mac requestKey(String audience) {
            return requestKeys.computeIfAbsent(audience,
                    service -> DeviceProof.prototype(DeviceProof.audienceKey(master, service)));
        }
    }

    /** A signed credential: the compact JWT and its {@code jti} (what a proof binds). */
    public record Credential(String token, String jti) {
    }

    private record CredentialKey(AuthenticatedDevice device, String audience) {
    }

    private record Cached(Credential credential, Instant renewAt) {
    }

    private final Clock clock;

    private final Duration ttl;

    private final Duration renewBefore;

    private final Duration publishLead;

    private final Duration retention;

    private final Duration rotation;

    private final AssertionKeyFile file;

    private final Cache<CredentialKey, Cached> credentials;

    private final LongAdder signatures = new LongAdder();

    private volatile List<Entry> entries;

    /**
     * In-memory keys (one replica).
     * @param clock the clock
     * @param ttl lifetime of a credential
     * @param publishLead how long a new key is published before it is used
     */
    public DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead) {
        this(clock, ttl, publishLead, DEFAULT_CREDENTIAL_CACHE_SIZE);
    }

    /**
     * In-memory keys (one replica).
     * @param clock the clock
     * @param ttl lifetime of a credential
     * @param publishLead how long a new key is published before it is used
     * @param credentialCacheSize how many credentials are kept for reuse
     */
    public DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead, int credentialCacheSize) {
        this(clock, ttl, publishLead, null, null, credentialCacheSize);
        entries = List.of(generate(clock.instant()));
    }

    private DeviceAssertionKeys(Clock clock, Duration ttl, Duration publishLead, Duration rotation,
            AssertionKeyFile file, int credentialCacheSize) {
        this.clock = clock;
        this.ttl = ttl;
        // Renewed well before expiry, so a credential never reaches a service (with its
        // clock) expired.
        this.renewBefore = min(Duration.ofMinutes(1), ttl.dividedBy(2));
        this.publishLead = publishLead;
        this.retention = ttl.plusSeconds(60);
        this.rotation = rotation;
        this.file = file;
        this.credentials = Caffeine.newBuilder().maximumSize(credentialCacheSize).expireAfterWrite(ttl).build();
    }

    /**
     * Keys shared by all replicas through a key file; creates the file (under its lock)
     * if absent.
     * @param file the key file
     * @param clock the clock
     * @param ttl lifetime of a credential
     * @param publishLead how long a new key is published before it is used
     * @param rotation how old the newest key may get before a replica rotates
     * @return the keys, loaded
     */
    public static DeviceAssertionKeys shared(AssertionKeyFile file, Clock clock, Duration ttl, Duration publishLead,
            Duration rotation) {
        return shared(file, clock, ttl, publishLead, rotation, DEFAULT_CREDENTIAL_CACHE_SIZE);
    }

    /**
     * Keys shared by all replicas through a key file; creates the file (under its lock)
     * if absent.
     * @param file the key file
     * @param clock the clock
     * @param ttl lifetime of a credential
     * @param publishLead how long a new key is published before it is used
     * @param rotation how old the newest key may get before a replica rotates
     * @param credentialCacheSize how many credentials are kept for reuse
     * @return the keys, loaded
     */
    public static DeviceAssertionKeys shared(AssertionKeyFile file, Clock clock, Duration ttl, Duration publishLead,
            Duration rotation, int credentialCacheSize) {
        DeviceAssertionKeys keys = new DeviceAssertionKeys(clock, ttl, publishLead, rotation, file,
                credentialCacheSize);
        keys.entries = file
            .update(current -> current.isEmpty() ? List.of(generate(clock.instant())) : withMasters(current));
        return keys;
    }

    /**
     * @return whether the keys come from a shared key file
     */
    public boolean isShared() {
        return file != null;
    }

    /**
     * Scheduled rotation. In memory: rotates. Shared: rotates (in the file) only when the
     * newest key is older than the rotation interval, so replicas calling this at the
     * same time rotate once.
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
            return newest.plus(rotation).isAfter(now) ? withMasters(current) : rotated(current, now);
        });
    }

    /**
     * Rotates now (the admin endpoint), unless a rotation is already pending (a key
     * published but not used yet): repeated calls do not pile up keys.
     * @return whether a new key was added
     */
    public boolean rotateNow() {
        Instant[] before = new Instant[1];
        UnaryOperator<List<Entry>> change = current -> {
            Instant now = clock.instant();
            boolean pending = current.stream().anyMatch(entry -> entry.activeFrom().isAfter(now));
            before[0] = pending ? null : now;
            return pending ? withMasters(current) : rotated(current, now);
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

    /**
     * Shared mode: reads the key file again if it changed (another replica rotated, or an
     * operator edited it). A key someone added without a master secret gets one, under
     * the file's lock.
     */
    public void reload() {
        if (file != null) {
            List<Entry> loaded = file.readIfChanged();
            if (loaded != null && !loaded.isEmpty()) {
                entries = loaded.stream().allMatch(entry -> entry.master() != null) ? loaded
                        : file.update(DeviceAssertionKeys::withMasters);
            }
        }
    }

    private List<Entry> rotated(List<Entry> current, Instant now) {
        Entry next = generate(now.plus(publishLead));
        List<Entry> updated = new ArrayList<>();
        for (Entry entry : withMasters(current)) {
            if (entry.retireAt() != null && now.isAfter(entry.retireAt())) {
                continue;
            }
            updated.add(entry.retireAt() == null ? entry.retiringAt(next.activeFrom().plus(retention)) : entry);
        }
        updated.add(next);
        return List.copyOf(updated);
    }

    /**
     * @return the same list if every key has a master secret, else a copy where each has
     * one
     */
    private static List<Entry> withMasters(List<Entry> current) {
        if (current.stream().allMatch(entry -> entry.master() != null)) {
            return current;
        }
        return current.stream().map(entry -> entry.master() != null ? entry : entry.withMaster(newMaster())).toList();
    }

    /**
     * @return the public keys to publish (JWKS JSON)
     */
    public Map<String, Object> jwks() {
        List<JWK> keys = published().stream()
            .map(entry -> (JWK) new ECKey.Builder(entry.key().getCurve(), entry.key().getX(), entry.key().getY())
                .keyID(entry.kid())
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .build())
            .toList();
        return new JWKSet(keys).toJSONObject(true);
    }

    /**
     * The request keys of one service, one per published key epoch: what that service
     * needs to check E3's proofs, and nothing that would let it check (or make) another
     * service's.
     * @param audience the service
     * @return {@code {"audience": ..., "keys": [{"kid": ..., "k": <base64url>}, ...]}}
     */
    public Map<String, Object> proofKeys(String audience) {
        List<Map<String, Object>> keys = published().stream().filter(entry -> entry.master() != null).map(entry -> {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("kid", entry.kid());
            key.put("k",
                    Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(DeviceProof.audienceKey(entry.master(), audience)));
            return key;
        }).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("audience", audience);
        answer.put("keys", keys);
        return answer;
    }

    private List<Entry> published() {
        Instant now = clock.instant();
        return entries.stream().filter(entry -> entry.retireAt() == null || !now.isAfter(entry.retireAt())).toList();
    }

    /**
     * The device's credential for a service: the cached one while it has more than a
     * little life left, else a freshly signed one: {@code iss=edp-e3}, {@code aud}=the
     * service, {@code sub}=the device, {@code customer_id}, {@code serial} (hex),
     * {@code cert_exp} (the certificate's notAfter, epoch seconds), {@code iat},
     * {@code exp} (now + TTL, never past the certificate's notAfter), {@code jti}; JOSE
     * type {@value DeviceAssertionVerifier#CREDENTIAL_TYPE}.
     * @param device the device E3 verified on this request
     * @param audience the service the request goes to
     * @return the credential
     */
    public Credential credential(AuthenticatedDevice device, String audience) {
        CredentialKey key = new CredentialKey(device, audience);
        Instant now = clock.instant();
        Cached cached = credentials.getIfPresent(key);
        if (cached != null && now.isBefore(cached.renewAt())) {
            return cached.credential();
        }
        Instant expires = now.plus(ttl);
        if (device.certificateNotAfter() != null && device.certificateNotAfter().isBefore(expires)) {
            expires = device.certificateNotAfter();
        }
        Credential credential = sign(device, audience, now, expires);
        credentials.put(key, new Cached(credential, expires.minus(renewBefore)));
        return credential;
    }

    private Credential sign(AuthenticatedDevice device, String audience, Instant now, Instant expires) {
        Entry entry = active(now);
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
            .audience(audience)
            .subject(device.deviceId().toString())
            .claim("customer_id", device.customerId().toString())
            .claim("serial", device.serial().toString(16))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .jwtID(jti);
        if (device.certificateNotAfter() != null) {
            claims.claim("cert_exp", device.certificateNotAfter().getEpochSecond());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(entry.kid())
            .type(new JOSEObjectType(DeviceAssertionVerifier.CREDENTIAL_TYPE))
            .build(), claims.build());
        try {
            jwt.sign(entry.signer());
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot sign the device credential", ex);
        }
        signatures.increment();
        return new Credential(jwt.serialize(), jti);
    }

    /**
     * The proof of one routed request (see {@link DeviceProof}), with the active epoch's
     * request key of the service.
     * @param credential the credential forwarded with the request, or null for a request
     * without a device
     * @param audience the service the request goes to
     * @param method the HTTP method
     * @param path the raw request path
     * @param rawQuery the raw query string (without {@code ?}), or null
     * @param clientAddress the client's IP address (TCP peer of the TLS connection)
     * @return the header value
     */
    public String proof(Credential credential, String audience, String method, String path, String rawQuery,
            String clientAddress) {
        long time = clock.millis();
        Entry entry = active(Instant.ofEpochMilli(time));
        String mac = DeviceProof.mac(entry.requestKey(audience),
                credential == null ? DeviceProof.ANONYMOUS : credential.jti(), time, method, path,
                DeviceProof.queryHash(rawQuery), clientAddress, audience);
        return DeviceProof.header(entry.kid(), time, clientAddress, mac);
    }

    /**
     * @return how many credentials this process has signed
     */
    public long signatures() {
        return signatures.sum();
    }

    private Entry active(Instant now) {
        Entry chosen = null;
        Entry earliest = null;
        for (Entry entry : entries) {
            if (!entry.activeFrom().isAfter(now)
                    && (chosen == null || entry.activeFrom().isAfter(chosen.activeFrom()))) {
                chosen = entry;
            }
            if (earliest == null || entry.activeFrom().isBefore(earliest.activeFrom())) {
                earliest = entry;
            }
        }
        // A file written by a replica whose clock runs slightly ahead: use its earliest
        // key rather than fail.
        return chosen != null ? chosen : earliest;
    }

    static Entry generate(Instant activeFrom) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .keyID(UUID.randomUUID().toString())
                .issueTime(Date.from(activeFrom))
                .generate();
            return Entry.of(key, newMaster(), activeFrom, null);
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Cannot generate an assertion key", ex);
        }
    }

    private static byte[] newMaster() {
        byte[] master = new byte[32];
        RANDOM.nextBytes(master);
        return master;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
