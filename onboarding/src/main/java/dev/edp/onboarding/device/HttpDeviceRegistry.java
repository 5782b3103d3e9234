package dev.edp.onboarding.device;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.platform.client.ServiceCalls;
import dev.edp.platform.problem.EdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@link DeviceRegistry} over HTTP: {@code POST /api/devices/v1/devices} at
 * device-management, found through the registry by a load-balanced {@link RestClient}
 * (base URL {@code edp.onboarding.device-registry.url}, default
 * {@code http://device-management}).
 * <ul>
 * <li>2xx with the device: the {@code id} device-management assigned, and its
 * {@code name};</li>
 * <li>4xx: device-management's problem passed on with its status, code and detail (the
 * operator's request was wrong, e.g. a machine of another customer);</li>
 * <li>anything else, or no answer: 503 {@code DEVICE_REGISTRY_UNAVAILABLE}.</li>
 * </ul>
 */
public class HttpDeviceRegistry implements DeviceRegistry {

    private static final Logger log = LoggerFactory.getLogger(HttpDeviceRegistry.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance", "code");

    private final RestClient http;

    /**
     * @param builder a (load-balanced) builder
     * @param baseUrl where device-management is, e.g. {@code http://device-management}
     */
    public HttpDeviceRegistry(RestClient.Builder builder, String baseUrl) {
        this.http = ServiceCalls.withTimeouts(builder, baseUrl);
    }

    @Override
    public Registered register(Registration registration, String bearerToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", registration.customerId());
        if (registration.name() != null) {
            body.put("name", registration.name());
        }
        body.put("environment", registration.environment());
        body.put("machineId", registration.machineId());
        body.put("labels", registration.labels());
        try {
            return http.post()
                .uri("/api/devices/v1/devices")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> headers.setBearerAuth(bearerToken))
                .body(body)
                .exchange((request, response) -> {
                    int status = response.getStatusCode().value();
                    String text = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
                    if (status >= 200 && status < 300) {
                        return registered(text);
                    }
                    if (status >= 400 && status < 500) {
                        throw refused(status, text);
                    }
                    log.warn("device-management answered {} to a device registration: {}", status, text);
                    throw unavailable();
                });
        }
        catch (RestClientException | IllegalStateException ex) {
            // IllegalStateException: the load balancer found no device-management
            // instance.
            log.warn("device-management cannot be reached to register a device of customer {}: {}",
                    registration.customerId(), ex.getMessage());
            throw unavailable();
        }
    }

    private static Registered registered(String body) {
        try {
            Map<?, ?> device = JSON.readValue(body, Map.class);
            if (device.get("id") instanceof String text) {
                UUID id = UUID.fromString(text);
                return new Registered(id, device.get("name") instanceof String name ? name : null);
            }
        }
        catch (JacksonException | IllegalArgumentException ex) {
            // falls through: an answer onboarding cannot bind a token to
        }
        log.warn("device-management registered a device but answered without a device id: {}", body);
        throw unavailable();
    }

    /**
     * device-management's own problem, passed on: the caller's request was wrong, not
     * onboarding.
     */
    private static EdpException refused(int status, String body) {
        Map<?, ?> problem;
        try {
            problem = JSON.readValue(body, Map.class);
        }
        catch (JacksonException ex) {
            problem = Map.of();
        }
        String code = problem.get("code") instanceof String text ? text : "DEVICE_REGISTRATION_REFUSED";
        String title = problem.get("title") instanceof String text ? text : "Device registration refused";
        String detail = problem.get("detail") instanceof String text ? text
                : "device-management refused to register the device (" + status + ").";
        EdpException refused = EdpException.relayed(HttpStatusCode.valueOf(status), code, title, detail);
        // Keep the extra members (e.g. the offending fields of a validation problem).
        problem.forEach((key, value) -> {
            if (key instanceof String name && !STANDARD.contains(name)) {
                refused.getBody().setProperty(name, value);
            }
        });
        return refused;
    }

    static EdpException unavailable() {
        return OnboardingProblem.DEVICE_REGISTRY_UNAVAILABLE
            .exception("device-management could not register the device; no token was created. Try again later.");
    }

}
