package dev.edp.e3;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Where E3 fetches from or sends to: a URL, or {@code lb://<service>/…} for a service the
 * registry names. The load-balanced {@link WebClient} takes the service's name as an
 * {@code http://} host, so {@code lb://onboarding/x} becomes {@code http://onboarding/x}
 * on that client.
 *
 * @param url the URL to request (an {@code lb://} location as {@code http://})
 * @param balanced whether it names a service of the registry
 */
public record ServiceUrl(String url, boolean balanced) {

    private static final String LOAD_BALANCED = "lb://";

    /**
     * @param location a URL or an {@code lb://} location
     * @return it, ready to request
     */
    public static ServiceUrl of(String location) {
        return location.startsWith(LOAD_BALANCED)
                ? new ServiceUrl("http://" + location.substring(LOAD_BALANCED.length()), true)
                : new ServiceUrl(location, false);
    }

    /**
     * @param location a URL or an {@code lb://} location
     * @return whether it names a service of the registry
     */
    public static boolean isBalanced(String location) {
        return location.startsWith(LOAD_BALANCED);
    }

    /**
     * @param plain the client for URLs
     * @param loadBalanced the client for services of the registry
     * @return the one that can request this
     */
    public WebClient client(WebClient plain, WebClient loadBalanced) {
        return balanced ? loadBalanced : plain;
    }

    /**
     * @param path a path to add
     * @return this URL without trailing slashes, then the path
     */
    public String resolve(String path) {
        return url.replaceAll("/+$", "") + path;
    }

}
