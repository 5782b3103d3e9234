package dev.edp.e3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * E3's settings ({@code edp.e3.*}). Defaults fit {@code ./edp up}: trust anchors and CRL
 * come from the onboarding service through the registry.
 */
@ConfigurationProperties("edp.e3")
public class E3Properties {

    /**
     * Where the platform's device CA chain (PEM, issuing CA and root) comes from:
     * {@code file:}, {@code classpath:}, {@code http(s)://} or {@code lb://}.
     */
    private String trustAnchors = "lb://onboarding/onboarding/api/v1/ca/chain.pem";

    /** Where the CRL (DER, or PEM) comes from; same schemes as the trust anchors. */
    private String crlUrl = "lb://onboarding/onboarding/api/v1/crl";

    /** How often the CRL is fetched (conditional GET). */
    private Duration crlRefreshInterval = Duration.ofSeconds(2);

    /** How often the trust anchors are fetched again. */
    private Duration trustAnchorsRefreshInterval = Duration.ofSeconds(30);

    /**
     * How many device certificates' path validations are kept (least recently used
     * evicted; revocation is checked on every request regardless).
     */
    private int pathCacheSize = 100_000;

    /**
     * After this long without a successful CRL refresh the CRL is stale: alerted (health,
     * metric), still used.
     */
    private Duration revocationStaleAfter = Duration.ofSeconds(30);

    /**
     * After this long without a successful CRL refresh, or once the held CRL's nextUpdate
     * passed if that is earlier, protected routes fail closed (503): how long a
     * revocation may stay unseen.
     */
    private Duration revocationMaxAge = Duration.ofMinutes(10);

    /**
     * How long E3's start waits for the first CRL before its device port opens: a device
     * that connects right after a (re)start is then decided at once instead of getting
     * 503 {@code DEVICE_TRUST_UNAVAILABLE}. When the CRL cannot be had within this time,
     * E3 opens anyway and fails closed until it can.
     */
    private Duration startWaitForRevocations = Duration.ofSeconds(30);

    /**
     * How long a device request that arrives right after a (re)start, before the
     * management port serves E3's JWKS, waits for it; then 503
     * {@code SERVICE_UNAVAILABLE} with {@code Retry-After: 1}.
     */
    private Duration startWaitForJwks = Duration.ofSeconds(10);

    /** Paths a device may call without a client certificate (Ant patterns). */
    private List<String> publicPaths = new ArrayList<>(List.of("/onboarding/**", "/.well-known/est/cacerts",
            "/.well-known/est/simpleenroll", "/openapi/device-api.json"));

    /**
     * Request headers removed from every incoming request (prefixes, case-insensitive):
     * identity a client must not assert.
     */
    private List<String> strippedHeaderPrefixes = new ArrayList<>(List.of("x-edp-device", "x-edp-customer",
            "x-client-cert", "x-ssl-client", "ssl-client", "x-forwarded-client-cert", "x-device-"));

    /**
     * Where onboarding is for E3's own calls (server certificate):
     * {@code lb://onboarding} through the registry, or a URL.
     */
    private String onboardingUrl = "lb://onboarding";

    /** Largest request body accepted (413 above). */
    private DataSize maxRequestSize = DataSize.ofMegabytes(1);

    private final Tls tls = new Tls();

    private final RateLimit rateLimit = new RateLimit();

    private final InFlight inFlight = new InFlight();

    private final Assertion assertion = new Assertion();

    private final Benchmark benchmark = new Benchmark();

    private final HeartbeatBatch heartbeatBatch = new HeartbeatBatch();

    /** The TLS listener. */
    public static class Tls {

        /**
         * Name of the Spring SSL bundle ({@code spring.ssl.bundle.pem|jks.<name>}) with
         * the server key and certificate; unset: a self-signed certificate is generated
         * at start.
         */
        private String bundle;

        /**
         * Where the server certificate comes from: {@code bundle} / empty (the
         * {@link #bundle}, else a self-signed one), or {@code platform-ca} (a key
         * generated at start, certified by onboarding's platform CA, renewed at two
         * thirds of its lifetime).
         */
        private String serverCertificate = "";

        /** {@code platform-ca}: DNS names for the certificate. */
        private List<String> dnsNames = new ArrayList<>(List.of("localhost"));

        /** {@code platform-ca}: IP addresses for the certificate. */
        private List<String> ipAddresses = new ArrayList<>(List.of("127.0.0.1"));

        /**
         * {@code platform-ca}: how long start-up waits for onboarding to issue the first
         * certificate. Long, because it needs onboarding and Keycloak, which a loaded
         * machine can take minutes to start; E3 is not ready meanwhile, and exiting would
         * only restart the wait.
         */
        private Duration startTimeout = Duration.ofMinutes(10);

        /** {@code platform-ca}: pause between attempts (start-up and failed renewals). */
        private Duration retryInterval = Duration.ofSeconds(2);

        /**
         * {@code platform-ca}: file the CA chain of the server certificate (issuing CA,
         * root; PEM) is written to, for tools to trust.
         */
        private String publishChainFile;

        /**
         * The TLS implementation: {@code auto} (OpenSSL/BoringSSL when it loads, else the
         * JDK), {@code jdk}, or {@code openssl} (start fails without it).
         */
        private String provider = "auto";

        /** TLS versions offered. */
        private List<String> protocols = new ArrayList<>(List.of("TLSv1.3", "TLSv1.2"));

        /** Cipher suites (AEAD with forward secrecy only). */
        private List<String> ciphers = new ArrayList<>(
                List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public String getServerCertificate() {
            return serverCertificate;
        }

        public void setServerCertificate(String serverCertificate) {
            this.serverCertificate = serverCertificate;
        }

        public List<String> getDnsNames() {
            return dnsNames;
        }

        public void setDnsNames(List<String> dnsNames) {
            this.dnsNames = dnsNames;
        }

        public List<String> getIpAddresses() {
            return ipAddresses;
        }

        public void setIpAddresses(List<String> ipAddresses) {
            this.ipAddresses = ipAddresses;
        }

        public Duration getStartTimeout() {
            return startTimeout;
        }

        public void setStartTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
        }

        public Duration getRetryInterval() {
            return retryInterval;
        }

        public void setRetryInterval(Duration retryInterval) {
            this.retryInterval = retryInterval;
        }

        public String getPublishChainFile() {
            return publishChainFile;
        }

        public void setPublishChainFile(String publishChainFile) {
            this.publishChainFile = publishChainFile;
        }

        public String getProvider() {
            return provider;
        }

        public void setProvider(String provider) {
            this.provider = provider;
        }

        public List<String> getProtocols() {
            return protocols;
        }

        public void setProtocols(List<String> protocols) {
            this.protocols = protocols;
        }

        public List<String> getCiphers() {
            return ciphers;
        }

        public void setCiphers(List<String> ciphers) {
            this.ciphers = ciphers;
        }

    }

    /** The benchmark's no-op route ({@code ./edp bench}); never set in production. */
    public static class Benchmark {

        /**
         * Where {@code /bench/noop} is forwarded (env {@code EDP_E3_BENCHMARK_NOOP_URL});
         * without it the route does not exist.
         */
        private String noopUrl;

        public String getNoopUrl() {
            return noopUrl;
        }

        public void setNoopUrl(String noopUrl) {
            this.noopUrl = noopUrl;
        }

    }

    /**
     * Heartbeats handed to monitoring in batches ({@code dev.edp.e3.heartbeat}): each
     * device still gets monitoring's own answer.
     */
    public static class HeartbeatBatch {

        /** Off: every heartbeat is routed alone, like any other request. */
        private boolean enabled = true;

        /** Where monitoring is ({@code lb://} name or URL). */
        private String monitoringUrl = "lb://monitoring";

        /** The most heartbeats in one batch (monitoring takes at most 500). */
        private int maxItems = 200;

        /**
         * Batches on their way to monitoring at once; heartbeats arriving meanwhile are
         * collected for the next batch.
         */
        private int maxInFlight = 1;

        /**
         * Heartbeats waiting for a batch or its answer; beyond them a heartbeat is routed
         * alone (with the route's own in-flight bound).
         */
        private int maxPending = 20_000;

        /**
         * How long a batch may take, and a heartbeat wait for one; after that its
         * heartbeats are routed alone (one monitoring took late is then taken twice,
         * which changes nothing).
         */
        private Duration timeout = Duration.ofSeconds(5);

        /** Larger heartbeat bodies are routed alone. */
        private DataSize maxBody = DataSize.ofKilobytes(16);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getMonitoringUrl() {
            return monitoringUrl;
        }

        public void setMonitoringUrl(String monitoringUrl) {
            this.monitoringUrl = monitoringUrl;
        }

        public int getMaxItems() {
            return maxItems;
        }

        public void setMaxItems(int maxItems) {
            this.maxItems = maxItems;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public int getMaxPending() {
            return maxPending;
        }

        public void setMaxPending(int maxPending) {
            this.maxPending = maxPending;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public DataSize getMaxBody() {
            return maxBody;
        }

        public void setMaxBody(DataSize maxBody) {
            this.maxBody = maxBody;
        }

    }

    /**
     * Requests E3 has in flight per route (per backend service); beyond that 503
     * {@code BACKEND_BUSY} with {@code Retry-After} at once, no queue.
     */
    public static class InFlight {

        /** Per ordinary route. */
        private int perRoute = 512;

        /**
         * Per long-lived route (the desired-state long-poll: one per device holding it).
         */
        private int longPoll = 20_000;

        public int getPerRoute() {
            return perRoute;
        }

        public void setPerRoute(int perRoute) {
            this.perRoute = perRoute;
        }

        public int getLongPoll() {
            return longPoll;
        }

        public void setLongPoll(int longPoll) {
            this.longPoll = longPoll;
        }

    }

    public static class RateLimit {

        /** Burst size: requests a device may make at once. */
        private int capacity = 50;

        /** Tokens added per second (the sustained rate). */
        private double refillPerSecond = 10;

        public int getCapacity() {
            return capacity;
        }

        public void setCapacity(int capacity) {
            this.capacity = capacity;
        }

        public double getRefillPerSecond() {
            return refillPerSecond;
        }

        public void setRefillPerSecond(double refillPerSecond) {
            this.refillPerSecond = refillPerSecond;
        }

    }

    /** What E3 forwards to the backends: device credentials and request proofs. */
    public static class Assertion {

        /**
         * Lifetime of a device credential (at most 10 min, never past the device
         * certificate's notAfter).
         */
        private Duration ttl = Duration.ofMinutes(5);

        /**
         * How many device credentials (device certificate and service) are kept for
         * reuse.
         */
        private int credentialCacheSize = 300_000;

        /** How often the signing key is replaced. */
        private Duration keyRotation = Duration.ofHours(24);

        /** How long a new key is published in the JWKS before it signs. */
        private Duration keyPublishLead = Duration.ofMinutes(5);

        /**
         * Key file shared by all replicas (JWKS with private keys, mode 600); unset:
         * in-memory keys, one replica only.
         */
        private String keysFile;

        /**
         * How often the shared key file is checked for changes (rotations by other
         * replicas or by hand).
         */
        private Duration keysReloadInterval = Duration.ofSeconds(5);

        public String getKeysFile() {
            return keysFile;
        }

        public void setKeysFile(String keysFile) {
            this.keysFile = keysFile;
        }

        public Duration getKeysReloadInterval() {
            return keysReloadInterval;
        }

        public void setKeysReloadInterval(Duration keysReloadInterval) {
            this.keysReloadInterval = keysReloadInterval;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            // Services refuse credentials living longer
            // (DeviceAssertionVerifier.MAX_CREDENTIAL_LIFETIME).
            if (ttl.compareTo(Duration.ofMinutes(10)) > 0 || ttl.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new IllegalArgumentException("edp.e3.assertion.ttl must be between 10s and 10m");
            }
            this.ttl = ttl;
        }

        public int getCredentialCacheSize() {
            return credentialCacheSize;
        }

        public void setCredentialCacheSize(int credentialCacheSize) {
            this.credentialCacheSize = credentialCacheSize;
        }

        public Duration getKeyRotation() {
            return keyRotation;
        }

        public void setKeyRotation(Duration keyRotation) {
            this.keyRotation = keyRotation;
        }

        public Duration getKeyPublishLead() {
            return keyPublishLead;
        }

        public void setKeyPublishLead(Duration keyPublishLead) {
            this.keyPublishLead = keyPublishLead;
        }

    }

    public String getTrustAnchors() {
        return trustAnchors;
    }

    public void setTrustAnchors(String trustAnchors) {
        this.trustAnchors = trustAnchors;
    }

    public String getCrlUrl() {
        return crlUrl;
    }

    public void setCrlUrl(String crlUrl) {
        this.crlUrl = crlUrl;
    }

    public Duration getCrlRefreshInterval() {
        return crlRefreshInterval;
    }

    public void setCrlRefreshInterval(Duration crlRefreshInterval) {
        this.crlRefreshInterval = crlRefreshInterval;
    }

    public Duration getTrustAnchorsRefreshInterval() {
        return trustAnchorsRefreshInterval;
    }

    public void setTrustAnchorsRefreshInterval(Duration trustAnchorsRefreshInterval) {
        this.trustAnchorsRefreshInterval = trustAnchorsRefreshInterval;
    }

    public Duration getRevocationStaleAfter() {
        return revocationStaleAfter;
    }

    public void setRevocationStaleAfter(Duration revocationStaleAfter) {
        this.revocationStaleAfter = revocationStaleAfter;
    }

    public int getPathCacheSize() {
        return pathCacheSize;
    }

    public void setPathCacheSize(int pathCacheSize) {
        this.pathCacheSize = pathCacheSize;
    }

    public Duration getRevocationMaxAge() {
        return revocationMaxAge;
    }

    public void setRevocationMaxAge(Duration revocationMaxAge) {
        this.revocationMaxAge = revocationMaxAge;
    }

    public Duration getStartWaitForRevocations() {
        return startWaitForRevocations;
    }

    public void setStartWaitForRevocations(Duration startWaitForRevocations) {
        this.startWaitForRevocations = startWaitForRevocations;
    }

    public Duration getStartWaitForJwks() {
        return startWaitForJwks;
    }

    public void setStartWaitForJwks(Duration startWaitForJwks) {
        this.startWaitForJwks = startWaitForJwks;
    }

    public List<String> getPublicPaths() {
        return publicPaths;
    }

    public void setPublicPaths(List<String> publicPaths) {
        this.publicPaths = publicPaths;
    }

    public List<String> getStrippedHeaderPrefixes() {
        return strippedHeaderPrefixes;
    }

    public void setStrippedHeaderPrefixes(List<String> strippedHeaderPrefixes) {
        this.strippedHeaderPrefixes = strippedHeaderPrefixes;
    }

    public String getOnboardingUrl() {
        return onboardingUrl;
    }

    public void setOnboardingUrl(String onboardingUrl) {
        this.onboardingUrl = onboardingUrl;
    }

    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    public Tls getTls() {
        return tls;
    }

    public RateLimit getRateLimit() {
        return rateLimit;
    }

    public InFlight getInFlight() {
        return inFlight;
    }

    public Assertion getAssertion() {
        return assertion;
    }

    public HeartbeatBatch getHeartbeatBatch() {
        return heartbeatBatch;
    }

    public Benchmark getBenchmark() {
        return benchmark;
    }

}
