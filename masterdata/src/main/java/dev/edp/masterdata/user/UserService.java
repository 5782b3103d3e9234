package dev.edp.masterdata.user;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.edp.masterdata.customer.CustomerDeactivated;
import dev.edp.masterdata.customer.CustomerService;
import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users of a customer, kept in Keycloak. A customer admin manages the users of their own
 * customer and can never grant {@code platform-admin}, nor change a platform admin;
 * nobody disables or demotes themselves here (so a customer cannot lock out its last
 * admin by accident).
 * <p>
 * Changes run inside a database transaction that holds the customer row (shared), so a
 * concurrent deactivation waits and then also disables a user created meanwhile; the
 * audit record is written in that transaction after Keycloak accepted the change.
 */
@Service
class UserService {

    static final String ENTITY = "USER";

    /** The name of the user list in its cursors. */
    private static final String USERS = "users";

    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static final int PASSWORD_LENGTH = 20;

    private static final int DEACTIVATION_BATCH = 100;

    private final UserDirectory directory;

    private final CustomerService customers;

    private final AuditLog audit;

    private final KeycloakProperties properties;

    private final SecureRandom random = new SecureRandom();

    UserService(UserDirectory directory, CustomerService customers, AuditLog audit, KeycloakProperties properties) {
        this.directory = directory;
        this.customers = customers;
        this.audit = audit;
        this.properties = properties;
    }

    @Transactional
    CreatedUserResponse create(Tenant tenant, UUID customerId, UserRequests.Create request) {
        tenant.requireAccess(customerId, customer(customerId));
        requireGrantable(tenant, request.role());
        customers.requireActive(customerId);
        String password = properties.inviteByEmail() ? null : generatePassword();
        String id = directory.create(
                new UserDirectory.NewUser(request.username(), request.email().strip(), request.firstName().strip(),
                        request.lastName().strip(), customerId, request.role()),
                password, properties.temporaryPassword());
        UserResponse user = directory.find(id)
            .map(UserResponse::of)
            .orElseThrow(() -> PlatformProblem.IDENTITY_PROVIDER_UNAVAILABLE
                .exception("The user was created but could not be read back."));
        audit.record(customerId, tenant, "USER_CREATED", ENTITY, id, null, user);
        return new CreatedUserResponse(user, password == null ? "EMAIL" : "PASSWORD", password);
    }

    /**
     * Keycloak pages users by offset only: the cursor holds a position (see
     * {@link ListRequest#offset}).
     */
    KeysetPage<UserResponse> list(Tenant tenant, UUID customerId, ListRequest list) {
        tenant.requireAccess(customerId, customer(customerId));
        int offset = list.offset(USERS);
        customers.requireExisting(customerId);
        return list.offsetPage(USERS, offset,
                directory.list(customerId, offset, list.limit() + 1).stream().map(UserResponse::of).toList());
    }

    UserResponse get(Tenant tenant, UUID customerId, String userId) {
        tenant.requireAccess(customerId, customer(customerId));
        return UserResponse.of(findInCustomer(customerId, userId));
    }

    @Transactional
    UserResponse changeRole(Tenant tenant, UUID customerId, String userId, String role) {
        tenant.requireAccess(customerId, customer(customerId));
        requireGrantable(tenant, role);
        DirectoryUser before = findInCustomer(customerId, userId);
        requireMayChange(tenant, before);
        customers.requireActive(customerId);
        if (role.equals(before.role())) {
            return UserResponse.of(before);
        }
        directory.setRole(userId, role);
        DirectoryUser after = directory.find(userId).orElseThrow(() -> NotFound.of(user(userId)));
        audit.record(customerId, tenant, "USER_ROLE_CHANGED", ENTITY, userId, UserResponse.of(before),
                UserResponse.of(after));
        return UserResponse.of(after);
    }

    @Transactional
    UserResponse setEnabled(Tenant tenant, UUID customerId, String userId, boolean enabled) {
        tenant.requireAccess(customerId, customer(customerId));
        DirectoryUser before = findInCustomer(customerId, userId);
        requireMayChange(tenant, before);
        if (enabled) {
            customers.requireActive(customerId);
        }
        if (before.enabled() == enabled) {
            return UserResponse.of(before);
        }
        directory.setEnabled(userId, enabled);
        DirectoryUser after = directory.find(userId).orElseThrow(() -> NotFound.of(user(userId)));
        audit.record(customerId, tenant, enabled ? "USER_ENABLED" : "USER_DISABLED", ENTITY, userId,
                UserResponse.of(before), UserResponse.of(after));
        return UserResponse.of(after);
    }

    /**
     * A deactivated customer's users must not log in any more: they are disabled in
     * Keycloak, inside the deactivating transaction. If Keycloak cannot be reached the
     * deactivation fails with 503 and is rolled back, so it can simply be retried.
     */
    @EventListener
    void disableUsersOf(CustomerDeactivated event) {
        int first = 0;
        List<DirectoryUser> batch;
        do {
            batch = directory.list(event.customerId(), first, DEACTIVATION_BATCH);
            for (DirectoryUser user : batch) {
                if (user.enabled()) {
                    directory.setEnabled(user.id(), false);
                    audit.record(event.customerId(), event.actor(), "USER_DISABLED", ENTITY, user.id(),
                            UserResponse.of(user), UserResponse.of(user.disabled()));
                }
            }
            first += batch.size();
        }
        while (batch.size() == DEACTIVATION_BATCH);
    }

    private DirectoryUser findInCustomer(UUID customerId, String userId) {
        return directory.find(userId)
            .filter(user -> Objects.equals(customerId, user.customerId()))
            .orElseThrow(() -> NotFound.of(user(userId)));
    }

    private static void requireGrantable(Tenant tenant, String role) {
        if (EdpRoles.PLATFORM_ADMIN.equals(role) && !tenant.isPlatformAdmin()) {
            throw MasterdataProblem.ROLE_NOT_GRANTABLE.exception("Only a platform admin can grant platform-admin.");
        }
    }

    private static void requireMayChange(Tenant tenant, DirectoryUser user) {
        if (EdpRoles.PLATFORM_ADMIN.equals(user.role()) && !tenant.isPlatformAdmin()) {
            throw MasterdataProblem.USER_NOT_MANAGEABLE.exception("Only a platform admin can change a platform admin.");
        }
        if (user.id().equals(tenant.subject())) {
            throw MasterdataProblem.OWN_ACCOUNT
                .exception("You cannot change your own role or disable yourself; ask another admin.");
        }
    }

    private String generatePassword() {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }

    private static String customer(UUID id) {
        return "Customer " + id;
    }

    private static String user(String id) {
        return "User " + id;
    }

}
