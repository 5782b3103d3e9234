package dev.edp.platform.customer;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks masterdata: {@code GET /api/masterdata/v1/customers/{id}/status} through the
 * registry (a load-balanced {@link RestClient}), relaying the caller's own token, so
 * masterdata needs no credentials of this service and the caller learns nothing it could
 * not read itself.
 * <ul>
 * <li>200 {@code {"status":"ACTIVE"|"DEACTIVATED"}}: that state;</li>
 * <li>403 {@code CUSTOMER_DEACTIVATED}: masterdata refused the caller for that very
 * reason;</li>
 * <li>404: masterdata does not know the customer ({@link CustomerState#UNKNOWN});</li>
 * <li>anything else, or no answer: {@link CustomerStatusUnavailableException}.</li>
 * </ul>
 */
public class MasterdataCustomerStatusLookup implements CustomerStatusLookup {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RestClient http;

    /**
     * @param loadBalanced a load-balanced builder (registry names as hosts)
     * @param properties where masterdata is and the timeouts
     */
    public MasterdataCustomerStatusLookup(RestClient.Builder loadBalanced, CustomerStatusProperties properties) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build());
        requests.setReadTimeout(properties.readTimeout());
        this.http = loadBalanced.requestFactory(requests).baseUrl(properties.serviceUrl()).build();
    }

    @Override
    public CustomerState stateOf(UUID customerId, String bearerToken) {
        try {
            return http.get()
                .uri("/api/masterdata/v1/customers/{id}/status", customerId)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> headers.setBearerAuth(bearerToken))
                .exchange((request, response) -> {
                    int status = response.getStatusCode().value();
                    String body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
                    return switch (status) {
                        case 200 -> state(customerId, member(body, "status"));
                        case 403 -> {
                            if ("CUSTOMER_DEACTIVATED".equals(member(body, "code"))) {
                                yield CustomerState.DEACTIVATED;
                            }
                            throw new CustomerStatusUnavailableException(
                                    "masterdata refused the lookup of customer " + customerId + ": 403 " + body, null);
                        }
                        case 404 -> CustomerState.UNKNOWN;
                        default -> throw new CustomerStatusUnavailableException(
                                "masterdata answered " + status + " for customer " + customerId, null);
                    };
                });
        }
        catch (RestClientException ex) {
            Throwable cause = ex.getMostSpecificCause();
            throw new CustomerStatusUnavailableException("masterdata cannot be reached: "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    ex);
        }
        catch (IllegalStateException ex) {
            // The load balancer found no masterdata instance in the registry.
            throw new CustomerStatusUnavailableException("masterdata cannot be reached: " + ex.getMessage(), ex);
        }
    }

    private static CustomerState state(UUID customerId, String status) {
        if ("ACTIVE".equals(status)) {
            return CustomerState.ACTIVE;
        }
        if ("DEACTIVATED".equals(status)) {
            return CustomerState.DEACTIVATED;
        }
        throw new CustomerStatusUnavailableException(
                "masterdata answered an unknown status '" + status + "' for customer " + customerId, null);
    }

    private static String member(String json, String name) {
        try {
            return JSON.readValue(json, Map.class).get(name) instanceof String value ? value : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }

}
