package dev.edp.onboarding.ca;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.VaultException;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.KubernetesAuthentication;
import org.springframework.vault.authentication.KubernetesAuthenticationOptions;
import org.springframework.vault.authentication.KubernetesServiceAccountTokenFile;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.LifecycleAwareSessionManagerSupport.FixedTimeoutRefreshTrigger;
import org.springframework.vault.authentication.LoginToken;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.authentication.event.AfterLoginEvent;
import org.springframework.vault.authentication.event.AfterLoginTokenRenewedEvent;
import org.springframework.vault.authentication.event.LoginFailedEvent;
import org.springframework.vault.authentication.event.LoginTokenExpiredEvent;
import org.springframework.vault.authentication.event.LoginTokenRenewalFailedEvent;
import org.springframework.vault.client.SimpleVaultEndpointProvider;
import org.springframework.vault.client.VaultClients;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.web.client.RestOperations;

/**
 * An authenticated Vault client for the PKI provider, with the login method of
 * {@code edp.pki.vault.auth}:
 * <ul>
 * <li>{@code kubernetes}: Spring Vault's {@link KubernetesAuthentication} with the
 * service account token file, read at every login (the kubelet rotates a projected
 * token);</li>
 * <li>{@code approle}: {@link AppRoleAuthentication} with the role id and secret id;</li>
 * <li>{@code token}: {@link TokenAuthentication}; Spring Vault looks the token up
 * ({@code auth/token/lookup-self}) to learn whether and when it must be renewed.</li>
 * </ul>
 * A {@link LifecycleAwareSessionManager} holds the token: it logs in lazily at the first
 * call, renews the token ({@code auth/token/renew-self}) {@code renew-before-expiry}
 * before it expires, and drops it when Vault refuses the renewal or the renewed token is
 * about to expire (its max TTL); the next call then logs in again. So no long-lived root
 * token is needed. A token from a login is revoked when the service stops; a configured
 * token ({@code auth=token}) never is.
 */
final class VaultConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VaultConnection.class);

    private final ThreadPoolTaskScheduler scheduler;

    private final LifecycleAwareSessionManager sessions;

    private final VaultTemplate template;

    private final AtomicInteger tokensDropped;

    private VaultConnection(ThreadPoolTaskScheduler scheduler, LifecycleAwareSessionManager sessions,
            VaultTemplate template, AtomicInteger tokensDropped) {
        this.scheduler = scheduler;
        this.sessions = sessions;
        this.template = template;
        this.tokensDropped = tokensDropped;
    }

    /**
     * Checks the login settings and prepares the client; nothing is sent to Vault until
     * the first call.
     * @param settings {@code edp.pki.vault.*}
     * @return the connection (close it to stop renewing and to revoke a login token)
     * @throws IllegalStateException if the settings for the chosen login method are
     * incomplete
     */
    static VaultConnection open(PkiProperties.Vault settings) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory();
        requests.setReadTimeout(Duration.ofSeconds(10));
        VaultEndpoint endpoint = VaultEndpoint.from(settings.uri());
        // RestTemplate, not RestClient: Spring Vault 4.0.3's RestClient adapter drops a
        // request body that is not an HttpEntity, so the login maps (role + jwt, role_id
        // + secret_id) were sent empty.
        RestOperations client = VaultClients.createRestTemplate(SimpleVaultEndpointProvider.of(endpoint), requests);
        ClientAuthentication authentication = authentication(settings, client);
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("vault-session-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        LifecycleAwareSessionManager sessions = new LifecycleAwareSessionManager(authentication, scheduler, client,
                new FixedTimeoutRefreshTrigger(settings.renewBeforeExpiry()));
        String method = settings.auth();
        // Spring Vault publishes these events after the session forgot the token.
        AtomicInteger dropped = new AtomicInteger();
        sessions.addAuthenticationListener(event -> {
            // Never the token itself: only what an operator needs to follow the session.
            if (event instanceof AfterLoginEvent && event.getSource() instanceof LoginToken token) {
                log.info("Logged in to Vault ({}): token renewable={}, valid for {}", method, token.isRenewable(),
                        token.getLeaseDuration());
            }
            else if (event instanceof AfterLoginEvent) {
                log.info("Logged in to Vault ({})", method);
            }
            else if (event instanceof AfterLoginTokenRenewedEvent && event.getSource() instanceof LoginToken token) {
                log.debug("Vault token renewed, valid for {}", token.getLeaseDuration());
            }
            else if (event instanceof LoginTokenExpiredEvent) {
                dropped.incrementAndGet();
                log.info("Vault token reached its maximum lifetime; the next call logs in again ({})", method);
            }
        });
        sessions.addErrorListener(event -> {
            if (event instanceof LoginTokenRenewalFailedEvent) {
                dropped.incrementAndGet();
                log.warn("Vault refused to renew the token; the next call logs in again ({}): {}", method,
                        event.getException().getMessage());
            }
            else if (event instanceof LoginFailedEvent) {
                log.warn("Vault login ({}) failed: {}", method, event.getException().getMessage());
            }
        });
        VaultTemplate template = new VaultTemplate(SimpleVaultEndpointProvider.of(endpoint), requests, sessions);
        return new VaultConnection(scheduler, sessions, template, dropped);
    }

    static ClientAuthentication authentication(PkiProperties.Vault settings, RestOperations client) {
        return switch (settings.auth()) {
            case "token" -> {
                require(settings.token(), "edp.pki.vault.auth=token needs edp.pki.vault.token (EDP_VAULT_TOKEN)");
                yield new TokenAuthentication(settings.token());
            }
            case "kubernetes" -> {
                PkiProperties.Kubernetes kubernetes = settings.kubernetes();
                require(kubernetes.role(), "edp.pki.vault.auth=kubernetes needs edp.pki.vault.kubernetes.role "
                        + "(EDP_VAULT_KUBERNETES_ROLE)");
                if (!Files.isRegularFile(kubernetes.tokenFile())) {
                    throw new IllegalStateException("edp.pki.vault.auth=kubernetes: the service account token file "
                            + kubernetes.tokenFile() + " does not exist (EDP_VAULT_KUBERNETES_TOKEN_FILE)");
                }
                KubernetesServiceAccountTokenFile file = new KubernetesServiceAccountTokenFile(
                        kubernetes.tokenFile().toFile());
                // Read at every login: the kubelet writes a new token before the old one
                // expires.
                Supplier<String> jwt = () -> {
                    String read = file.get().strip();
                    if (read.isEmpty()) {
                        throw new VaultException(
                                "The service account token file " + kubernetes.tokenFile() + " is empty");
                    }
                    return read;
                };
                yield new KubernetesAuthentication(KubernetesAuthenticationOptions.builder()
                    .path(kubernetes.path())
                    .role(kubernetes.role())
                    .jwtSupplier(jwt)
                    .build(), client);
            }
            case "approle" -> {
                PkiProperties.AppRole approle = settings.approle();
                require(approle.roleId(), "edp.pki.vault.auth=approle needs edp.pki.vault.approle.role-id "
                        + "(EDP_VAULT_APPROLE_ROLE_ID)");
                require(approle.secretId(), "edp.pki.vault.auth=approle needs edp.pki.vault.approle.secret-id "
                        + "(EDP_VAULT_APPROLE_SECRET_ID)");
                yield new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
                    .path(approle.path())
                    .roleId(AppRoleAuthenticationOptions.RoleId.provided(approle.roleId()))
                    .secretId(AppRoleAuthenticationOptions.SecretId.provided(approle.secretId()))
                    .build(), client);
            }
            default -> throw new IllegalStateException("edp.pki.vault.auth=" + settings.auth()
                    + " is not available; use token, kubernetes or approle (EDP_VAULT_AUTH)");
        };
    }

    private static void require(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(message);
        }
    }

    /**
     * @return the client; every call carries the session's current token
     */
    VaultOperations operations() {
        return template;
    }

    /**
     * @return how often the session dropped its token by itself: Vault refused a renewal,
     * or a renewal left too little time (for tests and diagnostics)
     */
    int tokensDropped() {
        return tokensDropped.get();
    }

    /**
     * Forgets the session token (revoking it when it came from a login), so that the next
     * call logs in again: for a token Vault stopped honouring before it was due.
     */
    public void dropToken() {
        sessions.revoke();
    }

    /** Stops renewing and revokes a token that came from a login. */
    @Override
    public void close() {
        try {
            sessions.destroy();
        }
        finally {
            scheduler.shutdown();
        }
    }

}
