package dev.edp.platform.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.service.*}: where a servlet service's own API lives.
 *
 * @param apiPrefix the path its operator API starts with, e.g. {@code /api/masterdata}
 * (none by default); its status, {@code <apiPrefix>/v1/status}, is served and public
 */
@ConfigurationProperties("edp.service")
public record ServiceProperties(String apiPrefix) {

    /**
     * @return the status operation's path, or null without an API prefix
     */
    public String statusPath() {
        return apiPrefix == null ? null : apiPrefix + "/v1/status";
    }
}
