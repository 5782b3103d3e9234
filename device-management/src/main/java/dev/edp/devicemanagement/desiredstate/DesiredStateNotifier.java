package dev.edp.devicemanagement.desiredstate;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Announces that the desired state of a customer's devices may have changed, through
 * PostgreSQL {@code NOTIFY}: sent in the caller's transaction, so it is delivered on
 * commit only, and to every replica's {@link DesiredStateWaiters}.
 */
@Component
public class DesiredStateNotifier {

    static final String CHANNEL = "edp_desired_state";

    private final JdbcClient jdbc;

    DesiredStateNotifier(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param customerId the customer whose pins, devices' environments or lifecycles
     * changed
     */
    public void changed(UUID customerId) {
        jdbc.sql("SELECT pg_notify('" + CHANNEL + "', :payload)")
            .param("payload", customerId.toString())
            .query((row, index) -> 1)
            .list();
    }

}
