package dev.edp.platform.client;

/**
 * A call to another platform service could not be made or was not accepted. Callers that
 * relay events keep them and try again later.
 */
public class ServiceCallException extends RuntimeException {

    /**
     * @param message what failed, without secrets
     * @param cause the underlying failure, or null
     */
    public ServiceCallException(String message, Throwable cause) {
        super(message, cause);
    }

}
