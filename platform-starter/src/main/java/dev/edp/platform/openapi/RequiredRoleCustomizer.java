package dev.edp.platform.openapi;

import java.lang.reflect.AnnotatedElement;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edp.platform.security.HasRole;
import io.swagger.v3.oas.models.Operation;
import org.springdoc.core.customizers.GlobalOperationCustomizer;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;

/**
 * Writes into every operation the role it needs, {@value #EXTENSION}, read from the
 * handler's {@link PreAuthorize} (the method's, else its class's, as Spring Security
 * looks them up), so that suites generated from the documents (the tenant isolation
 * matrix in system-tests) take the rule from the code instead of a hand-written table.
 * Operations without the annotation get their value from who may call the path
 * ({@link EdpOpenApiCustomizer}): {@value #DEVICE}, {@value #ANONYMOUS} or
 * {@value #AUTHENTICATED}.
 */
final class RequiredRoleCustomizer implements GlobalOperationCustomizer {

    /** The extension's name. */
    static final String EXTENSION = "x-edp-required-role";

    /** Any valid access token, whatever its role ({@code isAuthenticated()}). */
    static final String AUTHENTICATED = "authenticated";

    /** A device through E3 (its client certificate, forwarded as E3's assertion). */
    static final String DEVICE = "device";

    /**
     * Nobody needs to be known to the platform (an operation may still ask for its own
     * secret, EST's token).
     */
    static final String ANONYMOUS = "anonymous";

    /**
     * Every value the extension can take; an expression not understood here is written as
     * it is.
     */
    static final Set<String> VALUES = Set.of("viewer", "operator", "customer-admin", "platform-admin",
            "platform-service", AUTHENTICATED, DEVICE, ANONYMOUS);

    private static final Pattern HAS_ROLE = Pattern.compile("\\s*hasRole\\(\\s*'([A-Za-z0-9_-]+)'\\s*\\)\\s*");

    private static final Pattern IS_AUTHENTICATED = Pattern.compile("\\s*isAuthenticated\\(\\s*\\)\\s*");

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        String role = rule(handler.getMethod());
        if (role == null) {
            role = rule(handler.getBeanType());
        }
        if (role != null) {
            operation.addExtension(EXTENSION, role);
        }
        return operation;
    }

    /*
     * @HasRole is a @PreAuthorize template ("hasRole('{value}')") that Spring Security
     * fills in with the annotation's value; the merged @PreAuthorize still holds the
     * placeholder, so @HasRole is read first.
     */
    private static String rule(AnnotatedElement element) {
        HasRole hasRole = AnnotatedElementUtils.findMergedAnnotation(element, HasRole.class);
        if (hasRole != null) {
            return hasRole.value();
        }
        PreAuthorize preAuthorize = AnnotatedElementUtils.findMergedAnnotation(element, PreAuthorize.class);
        return preAuthorize == null ? null : role(preAuthorize.value());
    }

    /**
     * @param expression a {@code @PreAuthorize} expression
     * @return the role it requires ({@code hasRole('operator')} is {@code operator}),
     * {@value #AUTHENTICATED} for {@code isAuthenticated()}, else the expression itself:
     * the services' OpenAPI tests accept only {@link #VALUES}, so a new kind of rule is
     * noticed
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
