package dev.edp.monitoring.live;

import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The portal's live event stream (Server-Sent Events), filtered to what the caller may
 * see.
 */
@RestController
@RequestMapping("/api/monitoring/v1/events")
@Tag(name = "Live events", description = "Server-sent events for the portal")
class LiveEventController {

    private final LiveEventHub hub;

    LiveEventController(LiveEventHub hub) {
        this.hub = hub;
    }

    /**
     * A customer's user gets their customer's events; a platform admin gets all (platform
     * events included) or, with {@code customerId}, one customer's. The stream ends when
     * the token expires or the caller's customer is deactivated; a user holds a limited
     * number of streams (429).
     */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Live events (SSE): device online/offline, alerts opened/resolved; Last-Event-ID replays "
            + "what was missed")
    SseEmitter stream(Tenant tenant, @AuthenticationPrincipal Jwt token,
            @RequestParam(required = false) UUID customerId,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        Optional<UUID> scope = tenant.listScope(Optional.ofNullable(customerId));
        String user = tenant.subject() == null || "null".equals(tenant.subject()) ? tenant.username()
                : tenant.subject();
        UUID checked = tenant.isPlatformAdmin() ? null : tenant.customerId().orElse(null);
        return hub.connect(new LiveEventHub.Subscriber(user, checked, token.getTokenValue(), token.getExpiresAt()),
                scope.map(Visibility::customer).orElseGet(Visibility::everything), parse(lastEventId));
    }

    /**
     * An id this service did not hand out is ignored: the client gets live events from
     * now on.
     */
    private static Long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(lastEventId.trim());
        }
        catch (NumberFormatException ex) {
            return null;
        }
    }

}
