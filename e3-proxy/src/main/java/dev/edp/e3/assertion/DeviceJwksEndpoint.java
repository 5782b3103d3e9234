package dev.edp.e3.assertion;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The public keys of the device identity assertion, on the management port only:
 * {@code /actuator/device-jwks} (endpoint id {@code devicejwks}, path mapped in
 * application.yml). Services fetch it with {@code edp.device.jwks-uri}.
 */
@WebEndpoint(id = "devicejwks")
public class DeviceJwksEndpoint {

    private final DeviceAssertionKeys keys;

    /**
     * @param keys the assertion keys
     */
    public DeviceJwksEndpoint(DeviceAssertionKeys keys) {
        this.keys = keys;
    }

    /**
     * @return the JWKS
     */
    @ReadOperation(produces = { "application/jwk-set+json", "application/json" })
    public Map<String, Object> jwks() {
        return keys.jwks();
    }

    /**
     * Rotates the signing key now ({@code POST /actuator/device-jwks}); with a shared key
     * file every replica picks the new key up within the reload interval. A no-op while a
     * rotation is pending (new key published, not signing yet).
     * @return whether a key was added, and the JWKS
     */
    @WriteOperation(produces = "application/json")
    public Map<String, Object> rotate() {
        boolean rotated = keys.rotateNow();
        return Map.of("rotated", rotated, "jwks", keys.jwks());
    }

}
