package dev.edp.platform.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Calls from this service to another platform service by its registry name, load-balanced
 * through the registry, each request carrying this service's own client-credentials token
 * ({@link ServiceTokenSource}). The receiving endpoints require the
 * {@code platform-service} role; use them for events that have no user behind them (a
 * device enrolled, a device went offline). Calls made on behalf of a user relay that
 * user's token instead.
 *
 * <pre>{@code
 * serviceCalls.to("device-management").post().uri("/api/devices/v1/internal/...").body(event).retrieve().toBodilessEntity();
 * }</pre>
 */
public class ServiceCalls {

    private final Supplier<RestClient.Builder> loadBalanced;

    private final ServiceTokenSource tokens;

    private final Map<String, RestClient> clients = new ConcurrentHashMap<>();

    /**
     * @param loadBalanced supplies load-balanced builders (registry names as hosts)
     * @param tokens this service's tokens
     */
    public ServiceCalls(Supplier<RestClient.Builder> loadBalanced, ServiceTokenSource tokens) {
        this.loadBalanced = loadBalanced;
        this.tokens = tokens;
    }

    /**
     * @param serviceId the registry name ({@code onboarding}, {@code device-management},
     * {@code monitoring}, ...)
     * @return a client whose base URL is that service, 2 s connect and 10 s read timeouts
     */
    public RestClient to(String serviceId) {
        return clients.computeIfAbsent(serviceId,
                id -> withTimeouts(loadBalanced.get().requestInterceptor((request, body, execution) -> {
                    request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.accessToken());
                    return execution.execute(request, body);
                }), "http://" + id));
    }

    /**
     * A client for calls between services, with the platform's timeouts (2 s to connect,
     * 10 s to read). Also for calls that relay a user's token instead of this service's
     * own.
     * @param builder a load-balanced builder (or a plain one, for a fixed URL)
     * @param baseUrl {@code http://<service>} or a fixed URL
     * @return the client
     */
    public static RestClient withTimeouts(RestClient.Builder builder, String baseUrl) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
        requests.setReadTimeout(Duration.ofSeconds(10));
        return builder.requestFactory(requests).baseUrl(baseUrl).build();
    }

}
