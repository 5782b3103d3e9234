package dev.edp.onboarding.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.device.DeviceRegistry;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Onboarding tokens: created by operators, shown once, stored as a hash, used once by a
 * device.
 */
@Service
class TokenService {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
    static final Duration MAX_LIFETIME = Duration.ofDays(7);
    static final Duration MIN_LIFETIME = Duration.ofMinutes(5);
    static final String PREFIX = "edp_ot_";

    private static final Set<String> ENVIRONMENTS = Set.of("TESTING", "STAGING", "PRODUCTION");

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TokenService.class);

    private final TokenRepository tokens;

    private final DeviceRegistry registry;

    TokenService(TokenRepository tokens, DeviceRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    /** The created token and its secret, which exists only in this response. */
    record Created(OnboardingToken token, String secret) {
    }

    /**
     * Checks the request, registers the device in device-management (relaying the
     * caller's token), then stores the token bound to the id device-management returned.
     * Not one transaction: the HTTP call must not hold a database connection, and the
     * token is a single insert. If device-management refuses or cannot be reached, no
     * token is stored.
     */
    Created create(Tenant tenant, TokenRequests.Create request, String bearerToken) {
        UUID customer = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Duration lifetime = lifetime(request.lifetime());
        String environment = request.environment() == null ? null : request.environment().strip().toUpperCase();
        if (environment != null && !ENVIRONMENTS.contains(environment)) {
            throw invalid("environment must be one of TESTING, STAGING, PRODUCTION.");
        }
        String name = request.deviceName() == null || request.deviceName().isBlank() ? null
                : request.deviceName().strip();
        if (name != null && name.length() > 200) {
            throw invalid("deviceName must be at most 200 characters.");
        }
        if (request.labels() != null && request.labels().size() > 32) {
            throw invalid("labels may hold at most 32 entries.");
        }
        // device-management assigns the id (and, without a name, names the device after
        // it).
        DeviceRegistry.Registered device = registry.register(
                new DeviceRegistry.Registration(customer, name, environment, request.machineId(), request.labels()),
                bearerToken);
        UUID deviceId = device.id();
        if (device.name() != null) {
            name = device.name();
        }
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        OnboardingToken token = new OnboardingToken(UUID.randomUUID(), customer, deviceId, name, environment,
                request.machineId(), "ACTIVE", now.plus(lifetime), now, actor(tenant), null, null, null);
        try {
            tokens.insert(token, hash(secret));
        }
        catch (RuntimeException ex) {
            // The device stays PENDING_ONBOARDING in device-management without a token;
            // an operator
            // can create a new token (a new device) or decommission this one.
            log.error("Device {} was registered in device-management, but its onboarding token could not be stored",
                    deviceId, ex);
            throw ex;
        }
        return new Created(token, secret);
    }

    @Transactional(readOnly = true)
    KeysetPage<TokenRequests.Response> list(Tenant tenant, ListRequest list) {
        // Newest first; the cursor's time must lie in years 1 to 9999 (KeysetQuery
        // refuses others).
        Keyset<OnboardingToken> keyset = list.keyset(TokenRepository.SORTS);
        UUID scope = list.scope(tenant);
        Instant now = Instant.now();
        return tokens.page(keyset, scope).map(token -> TokenRequests.Response.of(token, null, now));
    }

    @Transactional(readOnly = true)
    OnboardingToken get(Tenant tenant, UUID id) {
        OnboardingToken token = tokens.find(id).orElseThrow(() -> notFound(id));
        tenant.requireAccess(token.customerId(), "Onboarding token " + id);
        return token;
    }

    @Transactional
    OnboardingToken revoke(Tenant tenant, UUID id) {
        OnboardingToken token = tokens.findForUpdate(id).orElseThrow(() -> notFound(id));
        tenant.requireAccess(token.customerId(), "Onboarding token " + id);
        if ("USED".equals(token.status())) {
            throw OnboardingProblem.TOKEN_USED.exception("The token was used to enroll device " + token.deviceId()
                    + "; revoke the device's certificates instead.");
        }
        tokens.revoke(id, Instant.now().truncatedTo(ChronoUnit.MICROS), actor(tenant));
        return tokens.find(id).orElseThrow();
    }

    /** SHA-256 of the token text: what is stored and looked up. */
    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Duration lifetime(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIFETIME;
        }
        Duration lifetime;
        try {
            lifetime = Duration.parse(value.strip());
        }
        catch (DateTimeParseException ex) {
            throw invalid("lifetime must be an ISO-8601 duration such as PT24H or P3D.");
        }
        if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw invalid("lifetime must be between 5 minutes (PT5M) and 7 days (P7D).");
        }
        return lifetime;
    }

    private static EdpException invalid(String detail) {
        return PlatformProblem.VALIDATION_FAILED.exception(detail);
    }

    private static EdpException notFound(UUID id) {
        return NotFound.of("Onboarding token " + id);
    }

    private static String actor(Tenant tenant) {
        return tenant.username() == null ? tenant.subject() : tenant.username();
    }

}
