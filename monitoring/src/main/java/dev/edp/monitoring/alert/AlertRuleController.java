package dev.edp.monitoring.alert;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.edp.platform.problem.FieldErrors;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's alert rules: viewers read them, customer admins replace the overrides. A
 * platform admin names the customer ({@code customerId}).
 */
@RestController
@RequestMapping("/api/monitoring/v1/alert-rules")
@Tag(name = "Alert rules", description = "Per-customer thresholds of the alert rules")
class AlertRuleController {

    /**
     * A customer's rules.
     *
     * @param customerId the customer
     * @param rules every customer rule, with its default or the customer's value
     */
    record RulesResponse(UUID customerId, List<AlertRules.Rule> rules) {
    }

    /**
     * The overrides to keep; rules not listed go back to the defaults.
     *
     * @param rules at most one entry per rule type
     */
    record RulesRequest(@NotNull @Size(max = 10) List<@NotNull @Valid RuleRequest> rules) {
    }

    /**
     * @param type the rule
     * @param enabled whether it raises alerts
     * @param threshold its threshold in the rule's unit; null: the default (must be null
     * for rules without one)
     */
    record RuleRequest(@NotNull String type, @NotNull Boolean enabled, Integer threshold) {
    }

    private final AlertRules rules;

    private final TransactionTemplate transactions;

    private final Clock clock;

    AlertRuleController(AlertRules rules, TransactionTemplate transactions, Clock clock) {
        this.rules = rules;
        this.transactions = transactions;
        this.clock = clock;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "The customer's rules: defaults, or the customer's own values (customized)")
    RulesResponse get(Tenant tenant, @RequestParam(required = false) UUID customerId) {
        UUID customer = tenant.owningCustomer(Optional.ofNullable(customerId));
        return new RulesResponse(customer, rules.of(customer));
    }

    @PutMapping
    @PreAuthorize("hasRole('customer-admin')")
    @Operation(
            summary = "Replace the customer's rule overrides (customer-admin); rules not listed go back to the defaults")
    RulesResponse put(Tenant tenant, @RequestParam(required = false) UUID customerId,
            @Valid @RequestBody RulesRequest request) {
        UUID customer = tenant.owningCustomer(Optional.ofNullable(customerId));
        List<AlertRules.Override> overrides = validate(request.rules());
        transactions
            .executeWithoutResult(status -> rules.replace(customer, overrides, tenant.username(), clock.instant()));
        return new RulesResponse(customer, rules.of(customer));
    }

    private static List<AlertRules.Override> validate(List<RuleRequest> requested) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<AlertRules.Override> overrides = new ArrayList<>();
        Set<AlertType> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            RuleRequest rule = requested.get(i);
            String field = "rules[" + i + "]";
            AlertType type = AlertRules.CUSTOMER_RULES.stream()
                .filter(t -> t.name().equals(rule.type()))
                .findFirst()
                .orElse(null);
            if (type == null) {
                errors.put(field + ".type", "must be one of " + AlertRules.CUSTOMER_RULES);
                continue;
            }
            if (!seen.add(type)) {
                errors.put(field + ".type", "listed twice");
                continue;
            }
            Integer threshold = rule.threshold();
            if (threshold != null && type.unit() == null) {
                errors.put(field + ".threshold", "this rule has no threshold");
                continue;
            }
            if (threshold != null && (threshold < type.min() || threshold > type.max())) {
                errors.put(field + ".threshold",
                        "must be between " + type.min() + " and " + type.max() + " " + type.unit().toLowerCase());
                continue;
            }
            overrides.add(new AlertRules.Override(type, rule.enabled(), threshold));
        }
        FieldErrors.refuseIfAny(errors);
        return overrides;
    }

}
