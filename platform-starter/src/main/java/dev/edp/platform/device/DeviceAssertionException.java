package dev.edp.platform.device;

/**
 * E3's device credential or request proof did not verify for this request (missing,
 * forged, expired, outside the time window, for another request or service, an unknown
 * key). Services answer it with {@code 401 DEVICE_ASSERTION_INVALID}; the message is for
 * logs, never for callers.
 */
public class DeviceAssertionException extends RuntimeException {

    /**
     * @param message why
     */
    public DeviceAssertionException(String message) {
        super(message, null, false, false);
    }

}
