package dev.edp.platform.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * On the device paths: verifies E3's device credential and request proof
 * ({@value DeviceProof#CREDENTIAL_HEADER}, {@value DeviceProof#HEADER}) and makes the
 * {@link DevicePrincipal} the request's authentication; refuses a missing, forged or
 * expired credential, a proof for another request (method, path, query, service, time),
 * or a request without a device, with a 401 problem ({@code DEVICE_ASSERTION_INVALID}).
 * The client address E3 names in the proof is kept for {@link CallerAddress}.
 */
class DeviceAssertionFilter extends OncePerRequestFilter {

    static final String ATTRIBUTE = DevicePrincipal.class.getName();

    private static final RequestAttributeSecurityContextRepository CONTEXTS = new RequestAttributeSecurityContextRepository();

    private final DeviceAssertionVerifier verifier;

    DeviceAssertionFilter(DeviceAssertionVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DeviceAssertionVerifier.VerifiedDevice verified;
        try {
            verified = verifier.verifyWithAddress(request.getHeader(DeviceProof.CREDENTIAL_HEADER),
                    request.getHeader(DeviceProof.HEADER), request.getMethod(), path(request),
                    request.getQueryString());
        }
        catch (DeviceAssertionException ex) {
            response.setStatus(401);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getOutputStream()
                .write(("{\"type\":\"https://edp.dev/problems/device-assertion-invalid\","
                        + "\"title\":\"Device authentication required\",\"status\":401,"
                        + "\"detail\":\"Device requests must come through E3 with a valid device certificate.\","
                        + "\"code\":\"DEVICE_ASSERTION_INVALID\"}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        DevicePrincipal device = verified.device();
        request.setAttribute(ATTRIBUTE, device);
        request.setAttribute(CallerAddress.ATTRIBUTE, verified.clientAddress());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new DeviceAuthentication(device));
        SecurityContextHolder.setContext(context);
        // Kept in the request too: the filter runs once per request, and an async
        // dispatch (a long-poll answer) is authorized again from what the stateless chain
        // finds there.
        CONTEXTS.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    /**
     * @return the request path as sent, without the context path (what E3's proof binds)
     */
    static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /**
     * The device as Spring Security authentication, with authority {@code ROLE_DEVICE}.
     */
    static final class DeviceAuthentication extends AbstractAuthenticationToken {

        private final DevicePrincipal device;

        DeviceAuthentication(DevicePrincipal device) {
            super(AuthorityUtils.createAuthorityList("ROLE_DEVICE"));
            this.device = device;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return device;
        }

    }

}
