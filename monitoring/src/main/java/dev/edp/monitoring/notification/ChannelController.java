package dev.edp.monitoring.notification;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.edp.monitoring.MonitoringProblem;
import dev.edp.platform.problem.FieldErrors;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's notification channels (customer admins). A webhook's secret is shown once,
 * in the answer to its creation; another customer's channel is 404.
 */
@RestController
@RequestMapping("/api/monitoring/v1/notification-channels")
@Tag(name = "Notification channels", description = "Where a customer's alerts are sent: e-mail or HMAC-signed webhooks")
class ChannelController {

    /**
     * Deliberately simple: one @, no spaces, a dot in the domain. SMTP decides the rest.
     */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    /**
     * @param customerId the customer (platform admins must say; others default to their
     * own)
     * @param name a name for people
     * @param type EMAIL or WEBHOOK
     * @param emails EMAIL: 1–20 addresses
     * @param url WEBHOOK: an https URL whose host is not on the platform's network
     * ({@link WebhookTargets})
     * @param secret WEBHOOK: the signing secret (16–200 characters); generated when
     * absent
     */
    record ChannelRequest(UUID customerId, @NotBlank @Size(max = 100) String name, @NotNull String type,
            @Size(max = 20) List<@NotBlank @Size(max = 254) String> emails, @Size(max = 2000) String url,
            @Size(min = 16, max = 200) String secret) {
    }

    /**
     * A channel.
     *
     * @param secret only in the answer to the creation of a webhook
     */
    record ChannelResponse(UUID id, UUID customerId, String name, String type,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> emails,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url, Instant createdAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    }

    private final ChannelRepository channels;

    private final NotificationProperties properties;

    private final Clock clock;

    private final NotificationSender sender;

    ChannelController(ChannelRepository channels, NotificationProperties properties, Clock clock,
            NotificationSender sender) {
        this.channels = channels;
        this.properties = properties;
        this.clock = clock;
        this.sender = sender;
    }

    @GetMapping
    @PreAuthorize("hasRole('customer-admin')")
    @Operation(summary = "List channels, keyset-paged (customer-admin)")
    KeysetPage<ChannelResponse> list(Tenant tenant, @ListParameters ListRequest list) {
        UUID afterId = Cursor.decodeSingle(list.cursor(), UUID::fromString);
        return KeysetPage.of(channels.page(list.scope(tenant), afterId, list.limit()), list.limit(),
                channel -> List.of(channel.id().toString()));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('customer-admin')")
    @Operation(summary = "Read a channel (never its webhook secret)")
    ChannelResponse get(Tenant tenant, @PathVariable UUID id) {
        return visible(tenant, id);
    }

    @PostMapping
    @PreAuthorize("hasRole('customer-admin')")
    @Operation(
            summary = "Create an e-mail or webhook channel (customer-admin); a webhook's secret is in this answer only")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "400",
            description = "VALIDATION_FAILED, WEBHOOK_TARGET_NOT_ALLOWED (a loopback, private, "
                    + "link-local or CGNAT target)")
    ResponseEntity<ChannelResponse> create(Tenant tenant, @Valid @RequestBody ChannelRequest request) {
        UUID customer = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> emails = null;
        String url = null;
        String secret = null;
        switch (request.type()) {
            case "EMAIL" -> {
                if (request.emails() == null || request.emails().isEmpty()) {
                    errors.put("emails", "at least one address is required");
                }
                else {
                    emails = request.emails().stream().map(String::trim).distinct().toList();
                    for (int i = 0; i < request.emails().size(); i++) {
                        if (!EMAIL.matcher(request.emails().get(i).trim()).matches()) {
                            errors.put("emails[" + i + "]", "not an e-mail address");
                        }
                    }
                }
                if (request.url() != null) {
                    errors.put("url", "only for WEBHOOK channels");
                }
                if (request.secret() != null) {
                    errors.put("secret", "only for WEBHOOK channels");
                }
            }
            case "WEBHOOK" -> {
                url = request.url();
                String problem = checkUrl(url);
                if (problem != null) {
                    errors.put("url", problem);
                }
                if (request.emails() != null) {
                    errors.put("emails", "only for EMAIL channels");
                }
                secret = request.secret() == null ? Webhooks.newSecret() : request.secret();
            }
            default -> errors.put("type", "must be EMAIL or WEBHOOK");
        }
        FieldErrors.refuseIfAny(errors);
        if (url != null && !properties.allowPrivateWebhookTargets()) {
            refusePrivateTarget(url);
        }
        ChannelResponse created = channels.create(UUID.randomUUID(), customer, request.name().trim(), request.type(),
                emails, url, secret, clock.instant());
        ChannelResponse withSecret = new ChannelResponse(created.id(), created.customerId(), created.name(),
                created.type(), created.emails(), created.url(), created.createdAt(), secret);
        return ResponseEntity.created(URI.create("/api/monitoring/v1/notification-channels/" + created.id()))
            .body(withSecret);
    }

    /**
     * Sends a test message through the channel now: 204 when it was delivered (the SMTP
     * server took the e-mail, the webhook answered 2xx); otherwise 502
     * {@code CHANNEL_TEST_FAILED} with the reason, or 400
     * {@code WEBHOOK_TARGET_NOT_ALLOWED}. Nothing is stored.
     */
    @PostMapping("/{id}/test")
    @PreAuthorize("hasRole('customer-admin')")
    ResponseEntity<Void> test(Tenant tenant, @PathVariable UUID id) {
        visible(tenant, id);
        try {
            sender.sendTest(id);
        }
        catch (NotificationSender.TargetNotAllowed ex) {
            throw MonitoringProblem.WEBHOOK_TARGET_NOT_ALLOWED.exception(ex.getMessage());
        }
        catch (RuntimeException ex) {
            throw MonitoringProblem.CHANNEL_TEST_FAILED
                .exception(ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
        }
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('customer-admin')")
    @Operation(summary = "Delete a channel and its notification records (customer-admin)")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(Tenant tenant, @PathVariable UUID id) {
        visible(tenant, id);
        channels.delete(id);
        return ResponseEntity.noContent().build();
    }

    private String checkUrl(String url) {
        if (url == null || url.isBlank()) {
            return "required for WEBHOOK channels";
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            boolean allowed = scheme.equals("https") || (scheme.equals("http") && properties.allowHttpWebhooks());
            if (!allowed) {
                return properties.allowHttpWebhooks() ? "must be an http(s) URL" : "must be an https URL";
            }
            if (uri.getHost() == null || uri.getUserInfo() != null) {
                return "must be an absolute URL with a host and without credentials";
            }
            return null;
        }
        catch (java.net.URISyntaxException ex) {
            return "not a valid URL";
        }
    }

    /**
     * 400 {@code WEBHOOK_TARGET_NOT_ALLOWED} when the URL's host is or resolves to an
     * address of the platform's network. A name that does not resolve (yet) is accepted:
     * delivery checks again.
     */
    private static void refusePrivateTarget(String url) {
        String problem;
        try {
            WebhookTargets.check(URI.create(url));
            return;
        }
        catch (WebhookTargets.NotAllowed ex) {
            problem = ex.getMessage();
        }
        catch (UnknownHostException ex) {
            return;
        }
        throw MonitoringProblem.WEBHOOK_TARGET_NOT_ALLOWED
            .exception(
                    "Webhooks may not target loopback, private, link-local, multicast or carrier-grade NAT addresses.")
            .with("errors", List.of(Map.of("field", "url", "message", "not allowed: " + problem)));
    }

    private ChannelResponse visible(Tenant tenant, UUID id) {
        ChannelResponse channel = channels.find(id).orElseThrow(() -> NotFound.of("Notification channel " + id));
        tenant.requireAccess(channel.customerId(), "Notification channel " + id);
        return channel;
    }

}
