package dev.edp.platform.device;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.device.*}: how a service checks E3's device credential and request proof
 * (the device paths themselves, {@code edp.device.paths}, and the long-poll settings are
 * read where they are used: security, {@link LongPoll}).
 *
 * @param paths the device paths (Ant patterns, comma-separated or a list): their own
 * security filter chain accepts only E3's device credential with its proof (none by
 * default)
 * @param jwksUri E3's device JWKS (default {@code EDP_E3_JWKS_URI}, else E3's management
 * port on localhost)
 * @param proofKeysUri E3's request keys (default {@code EDP_E3_PROOF_KEYS_URI}, else next
 * to the JWKS)
 * @param audience the audience a credential must name (default
 * {@code spring.application.name})
 * @param jwksMinRefetchInterval the least time between two JWKS fetches for an unknown
 * key id
 * @param proofWindow how far a proof's time may be from now (default 30 s)
 * @param credentialCacheSize verified credentials kept (default 100,000)
 */
@ConfigurationProperties("edp.device")
public record DeviceProperties(List<String> paths, String jwksUri, String proofKeysUri, String audience,
        Duration jwksMinRefetchInterval, Duration proofWindow, Integer credentialCacheSize) {

    /** Fills in the defaults that do not depend on other settings. */
    public DeviceProperties {
        paths = paths == null ? List.of() : paths.stream().map(String::trim).filter(path -> !path.isEmpty()).toList();
        jwksMinRefetchInterval = jwksMinRefetchInterval == null ? DeviceAssertionVerifier.DEFAULT_MIN_REFETCH_INTERVAL
                : jwksMinRefetchInterval;
        proofWindow = proofWindow == null ? DeviceAssertionVerifier.DEFAULT_PROOF_WINDOW : proofWindow;
        credentialCacheSize = credentialCacheSize == null ? DeviceAssertionVerifier.DEFAULT_CREDENTIAL_CACHE_SIZE
                : credentialCacheSize;
    }
}
