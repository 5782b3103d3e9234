package dev.edp.e3.assertion;

import java.util.Map;
import java.util.regex.Pattern;

import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.problem.Problems;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The request keys of one service, on the management port only:
 * {@code GET /actuator/device-proof-keys?audience=<service>} (endpoint id
 * {@code deviceproofkeys}, path mapped in application.yml). Not public: the starter's
 * management security lets only the platform's service token (role
 * {@code platform-service}) read it. Services fetch their own with
 * {@code edp.device.proof-keys-uri}.
 */
@WebEndpoint(id = "deviceproofkeys")
public class DeviceProofKeysEndpoint {

    /** Service names as the registry knows them. */
    private static final Pattern AUDIENCE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final DeviceAssertionKeys keys;

    /**
     * @param keys the key epochs
     */
    public DeviceProofKeysEndpoint(DeviceAssertionKeys keys) {
        this.keys = keys;
    }

    /**
     * @param audience the service whose request keys are asked for
     * @return its request keys, one per published epoch; 400 for something that is no
     * service name
     */
    @ReadOperation(produces = "application/json")
    public WebEndpointResponse<Map<String, Object>> proofKeys(String audience) {
        if (audience == null || !AUDIENCE.matcher(audience).matches()) {
            PlatformProblem problem = PlatformProblem.INVALID_PARAMETER;
            return new WebEndpointResponse<>(Map.of("type", Problems.typeOf(problem.code()).toString(), "title",
                    problem.title(), "status", problem.status().value(), "detail",
                    "audience must be a service name (lower case letters, digits, hyphens).", "code", problem.code()),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        return new WebEndpointResponse<>(keys.proofKeys(audience));
    }

}
