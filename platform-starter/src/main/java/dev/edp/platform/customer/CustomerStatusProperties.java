package dev.edp.platform.customer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.customer-status.*}: whether and how servlet services refuse a deactivated
 * customer's callers.
 *
 * @param enabled whether the check runs (default true)
 * @param serviceUrl where masterdata is, by registry name (default
 * {@code http://masterdata})
 * @param cacheTtl how long an answer of masterdata is used before asking again (default
 * 30 s): the longest a deactivation can take to reach a service while masterdata is up
 * @param cacheMaxSize how many customers' answers are kept at most (default 10,000)
 * @param retryAfterFailure how long a service waits before asking masterdata again about
 * a customer after a failed lookup (default 5 s), so an outage does not add a timeout to
 * every request
 * @param connectTimeout connect timeout of a lookup (default 1 s)
 * @param readTimeout read timeout of a lookup (default 2 s)
 */
@ConfigurationProperties("edp.customer-status")
public record CustomerStatusProperties(Boolean enabled, String serviceUrl, Duration cacheTtl, Integer cacheMaxSize,
        Duration retryAfterFailure, Duration connectTimeout, Duration readTimeout) {

    /** Fills in the defaults. */
    public CustomerStatusProperties {
        enabled = enabled == null || enabled;
        serviceUrl = serviceUrl == null || serviceUrl.isBlank() ? "http://masterdata"
                : serviceUrl.replaceAll("/+$", "");
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(30) : cacheTtl;
        cacheMaxSize = cacheMaxSize == null || cacheMaxSize < 1 ? 10_000 : cacheMaxSize;
        retryAfterFailure = retryAfterFailure == null ? Duration.ofSeconds(5) : retryAfterFailure;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(1) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(2) : readTimeout;
    }
}
