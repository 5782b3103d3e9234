package dev.edp.keycloak;

import java.io.Serial;

/**
 * Keycloak answered a request with an unexpected status, or could not be reached.
 */
public class KeycloakException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;

    private final String body;

    KeycloakException(String message, int status, String body) {
        super(message + " (HTTP " + status + "): " + body);
        this.status = status;
        this.body = body;
    }

    KeycloakException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.body = "";
    }

    /**
     * The HTTP status Keycloak answered with.
     * @return the status, or -1 if there was no answer
     */
    public int status() {
        return this.status;
    }

    /**
     * Keycloak's response body, usually JSON with {@code error} and
     * {@code error_description}.
     * @return the body, empty if there was no answer
     */
    public String body() {
        return this.body;
    }

}
