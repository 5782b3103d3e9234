package dev.edp.platform.customer;

/**
 * The customer's state could not be found out (masterdata unreachable, failing or
 * answering nonsense).
 */
public class CustomerStatusUnavailableException extends RuntimeException {

    /**
     * @param message what went wrong, for the log
     * @param cause the underlying failure, or null
     */
    public CustomerStatusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

}
