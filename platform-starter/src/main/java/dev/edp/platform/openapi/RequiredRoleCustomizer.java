package dev.edp.platform.openapi;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.swagger.v3.oas.models.Operation;
import org.springdoc.core.customizers.GlobalOperationCustomizer;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;

/**
 * Writes into every operation the role it needs, {@value #EXTENSION}, read from the handler's
 * {@link PreAuthorize} (the method's, else its class's, as Spring Security looks them up), so that
 * suites generated from the documents (the tenant isolation matrix in system-tests) take the rule
 * from the code instead of a hand-written table. Operations without the annotation get their value
 * from who may call the path ({@link EdpOpenApiCustomizer}): {@value #DEVICE}, {@value #ANONYMOUS}
 * or {@value #AUTHENTICATED}.
 */
final class RequiredRoleCustomizer implements GlobalOperationCustomizer {

    /** The extension's name. */
    static final String EXTENSION = "x-edp-required-role";

    /** Any valid access token, whatever its role ({@code isAuthenticated()}). */
    static final String AUTHENTICATED = "authenticated";

    /** A device through E3 (its client certificate, forwarded as E3's assertion). */
    static final String DEVICE = "device";

    /** Nobody needs to be known to the platform (an operation may still ask for its own secret, EST's token). */
    static final String ANONYMOUS = "anonymous";

    /** Every value the extension can take; an expression not understood here is written as it is. */
    static final Set<String> VALUES = Set.of("viewer", "operator", "customer-admin", "platform-admin",
            "platform-service", AUTHENTICATED, DEVICE, ANONYMOUS);

    private static final Pattern HAS_ROLE = Pattern.compile("\\s*hasRole\\(\\s*'([A-Za-z0-9_-]+)'\\s*\\)\\s*");

    private static final Pattern IS_AUTHENTICATED = Pattern.compile("\\s*isAuthenticated\\(\\s*\\)\\s*");

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        PreAuthorize rule = preAuthorize(handler.getMethod(), handler.getBeanType());
        if (rule != null) {
            operation.addExtension(EXTENSION, role(rule.value()));
        }
        return operation;
    }

    private static PreAuthorize preAuthorize(Method method, Class<?> type) {
        PreAuthorize onMethod = AnnotatedElementUtils.findMergedAnnotation(method, PreAuthorize.class);
        return onMethod != null ? onMethod : AnnotatedElementUtils.findMergedAnnotation(type, PreAuthorize.class);
    }

    /**
     * @param expression a {@code @PreAuthorize} expression
     * @return the role it requires ({@code hasRole('operator')} is {@code operator}),
     *         {@value #AUTHENTICATED} for {@code isAuthenticated()}, else the expression itself: the
     *         services' OpenAPI tests accept only {@link #VALUES}, so a new kind of rule is noticed
     */
    static String role(String expression) {
        Matcher role = HAS_ROLE.matcher(expression);
        if (role.matches()) {
            return role.group(1);
        }
        if (IS_AUTHENTICATED.matcher(expression).matches()) {
            return AUTHENTICATED;
        }
        return expression;
    }
}
