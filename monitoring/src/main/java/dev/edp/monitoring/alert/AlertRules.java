package dev.edp.monitoring.alert;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The rules a customer's alerts follow: the configured defaults, overridden per customer.
 */
@Repository
class AlertRules {

    /**
     * A rule as it applies to a customer.
     *
     * @param type the rule
     * @param enabled whether it raises alerts
     * @param threshold its threshold (null: the rule has none)
     * @param unit the threshold's unit
     * @param customized whether the customer overrides the default
     */
    record Rule(AlertType type, boolean enabled, Integer threshold, String unit, boolean customized) {
    }

    /** A customer's override. */
    record Override(AlertType type, boolean enabled, Integer threshold) {
    }

    static final List<AlertType> CUSTOMER_RULES = Arrays.stream(AlertType.values())
        .filter(AlertType::customerRule)
        .toList();

    private final JdbcClient jdbc;

    private final AlertProperties properties;

    AlertRules(JdbcClient jdbc, AlertProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    List<Rule> of(UUID customerId) {
        Map<AlertType, Override> overrides = jdbc.sql("""
                SELECT type, enabled, threshold FROM alert_rule_override WHERE customer_id = :customerId""")
            .param("customerId", customerId)
            .query((row, i) -> new Override(AlertType.valueOf(row.getString(1)), row.getBoolean(2),
                    (Integer) row.getObject(3)))
            .list()
            .stream()
            .collect(Collectors.toMap(Override::type, o -> o));
        return CUSTOMER_RULES.stream().map(type -> {
            Override custom = overrides.get(type);
            Integer threshold = custom != null && custom.threshold() != null ? custom.threshold()
                    : properties.defaultThreshold(type);
            boolean enabled = custom != null ? custom.enabled() : properties.enabledByDefault(type);
            return new Rule(type, enabled, threshold, type.unit(), custom != null);
        }).toList();
    }

    /** Replaces the customer's overrides (rules not listed go back to the defaults). */
    void replace(UUID customerId, List<Override> overrides, String by, Instant at) {
        jdbc.sql("DELETE FROM alert_rule_override WHERE customer_id = :customerId")
            .param("customerId", customerId)
            .update();
        for (Override override : overrides) {
            jdbc.sql("""
                    INSERT INTO alert_rule_override (customer_id, type, enabled, threshold, updated_at, updated_by)
                    VALUES (:customerId, :type, :enabled, :threshold, :at, :by)""")
                .param("customerId", customerId)
                .param("type", override.type().name())
                .param("enabled", override.enabled())
                .param("threshold", override.threshold())
                .param("at", KeysetQuery.timestamp(at))
                .param("by", by)
                .update();
        }
    }

    /**
     * @return the customers among {@code customerIds} for whom the rule is on, in one
     * query
     */
    java.util.Set<UUID> enabledFor(java.util.Collection<UUID> customerIds, AlertType type) {
        Map<UUID, Boolean> overrides = jdbc.sql("""
                SELECT customer_id, enabled FROM alert_rule_override
                WHERE customer_id = ANY (CAST(:ids AS uuid[])) AND type = :type""")
            .param("ids", AlertRepository.array(customerIds))
            .param("type", type.name())
            .query((row, i) -> Map.entry(row.getObject(1, UUID.class), row.getBoolean(2)))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return customerIds.stream()
            .filter(id -> overrides.getOrDefault(id, properties.enabledByDefault(type)))
            .collect(Collectors.toSet());
    }

}
