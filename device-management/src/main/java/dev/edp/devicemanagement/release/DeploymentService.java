package dev.edp.devicemanagement.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.audit.AuditLog;
import dev.edp.devicemanagement.desiredstate.DesiredStateNotifier;
import dev.edp.devicemanagement.support.Actors;
import dev.edp.devicemanagement.support.Clocks;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.devicemanagement.support.NotFound;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applications, releases, pins and promotions. TESTING is pinned directly; STAGING and PRODUCTION
 * only through a promotion that a second person (customer-admin or above) approves.
 */
@Service
class DeploymentService {

    private final DeploymentRepository repository;
    private final AuditLog audit;
    private final DesiredStateNotifier notifier;
    private final JsonMapper json;

    DeploymentService(DeploymentRepository repository, AuditLog audit, DesiredStateNotifier notifier,
            JsonMapper json) {
        this.repository = repository;
        this.audit = audit;
        this.notifier = notifier;
        this.json = json;
    }

    @Transactional
    DeploymentResponses.Application createApplication(Tenant tenant, DeploymentRequests.Application request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Instant now = Clocks.now();
        String actor = Actors.of(tenant);
        var app = new DeploymentResponses.Application(UUID.randomUUID(), customerId, request.name(),
                request.imageRepository(), request.ports() == null ? List.of() : List.copyOf(request.ports()),
                request.env() == null ? Map.of() : new TreeMap<>(request.env()),
                request.volumes() == null ? List.of() : List.copyOf(request.volumes()),
                request.restartPolicy() == null ? "unless-stopped" : request.restartPolicy(), 1, now, actor, now,
                actor);
        repository.insertApplication(app);
        audit.record(customerId, tenant, "APPLICATION_CREATED", "APPLICATION", app.id().toString(), null, app);
        return app;
    }

    @Transactional(readOnly = true)
    DeploymentResponses.Application application(Tenant tenant, UUID id) {
        var app = repository.findApplication(id).orElseThrow(() -> NotFound.of("Application " + id));
        tenant.requireAccess(app.customerId(), "Application " + id);
        return app;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeploymentResponses.Application> applications(Tenant tenant, UUID customerId, Integer limit,
            String cursor) {
        int size = Cursor.limit(limit);
        KeysetQuery order = DeploymentRepository.APPLICATION_ORDER;
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        return KeysetPage.of(repository.applications(scope, order.after(cursor), size), size,
                app -> order.cursorOf(app.name(), app.id()));
    }

    @Transactional
    DeploymentResponses.Release createRelease(Tenant tenant, DeploymentRequests.Release request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        List<Map<String, Object>> containers = new ArrayList<>();
        for (DeploymentRequests.Container container : request.containers()) {
            if ((container.tag() == null) == (container.digest() == null)) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "IMAGE_TAG_OR_DIGEST", "Tag or digest",
                        "Give exactly one of tag and digest for application " + container.applicationId() + ".");
            }
            var app = repository.findApplication(container.applicationId())
                    .filter(found -> found.customerId().equals(customerId))
                    .orElseThrow(() -> new EdpException(HttpStatus.BAD_REQUEST, "UNKNOWN_APPLICATION",
                            "Unknown application", "Application " + container.applicationId()
                                    + " does not exist for this customer."));
            Map<String, String> env = new TreeMap<>(app.env());
            if (container.env() != null) {
                env.putAll(container.env());
            }
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("application", app.name());
            snapshot.put("applicationId", app.id().toString());
            snapshot.put("image", app.imageRepository()
                    + (container.digest() != null ? "@" + container.digest() : ":" + container.tag()));
            snapshot.put("ports", container.ports() != null ? container.ports() : app.ports());
            snapshot.put("env", env);
            snapshot.put("volumes", app.volumes());
            snapshot.put("restartPolicy", app.restartPolicy());
            containers.add(snapshot);
        }
        var release = new DeploymentResponses.Release(UUID.randomUUID(), customerId, request.name(),
                json.valueToTree(containers), Clocks.now(), Actors.of(tenant));
        repository.insertRelease(release);
        audit.record(customerId, tenant, "RELEASE_CREATED", "RELEASE", release.id().toString(), null, release);
        return release;
    }

    @Transactional(readOnly = true)
    DeploymentResponses.Release release(Tenant tenant, UUID id) {
        var release = repository.findRelease(id).orElseThrow(() -> NotFound.of("Release " + id));
        tenant.requireAccess(release.customerId(), "Release " + id);
        return release;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeploymentResponses.Release> releases(Tenant tenant, UUID customerId, Integer limit, String cursor) {
        int size = Cursor.limit(limit);
        KeysetQuery order = DeploymentRepository.RELEASE_ORDER;
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        return KeysetPage.of(repository.releases(scope, order.after(cursor), size), size,
                release -> order.cursorOf(release.createdAt(), release.id()));
    }

    @Transactional(readOnly = true)
    List<DeploymentResponses.Pin> pins(Tenant tenant, UUID customerId) {
        UUID scope = tenant.owningCustomer(Optional.ofNullable(customerId));
        return repository.pins(scope);
    }

    @Transactional
    DeploymentResponses.Pin pinTesting(Tenant tenant, DeploymentRequests.Pin request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        var release = repository.findRelease(request.releaseId())
                .filter(found -> found.customerId().equals(customerId))
                .orElseThrow(() -> NotFound.of("Release " + request.releaseId()));
        var before = repository.lockPin(customerId, "TESTING").orElse(null);
        repository.pin(customerId, "TESTING", release.id(), Clocks.now(), Actors.of(tenant));
        var after = repository.lockPin(customerId, "TESTING").orElseThrow();
        audit.record(customerId, tenant, "ENVIRONMENT_PINNED", "PIN", customerId + "/TESTING", before, after);
        notifier.changed(customerId);
        return after;
    }

    @Transactional
    DeploymentResponses.Promotion requestPromotion(Tenant tenant, DeploymentRequests.Promotion request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        String target = request.targetEnvironment();
        String source = "STAGING".equals(target) ? "TESTING" : "STAGING";
        DeploymentResponses.Promotion promotion;
        Instant now = Clocks.now();
        if (request.releaseId() == null) {
            var pin = repository.lockPin(customerId, source).orElseThrow(() -> new EdpException(HttpStatus.CONFLICT,
                    "NOTHING_TO_PROMOTE", "Nothing to promote", source + " has no release pinned."));
            promotion = new DeploymentResponses.Promotion(UUID.randomUUID(), customerId, target, source,
                    pin.revision(), pin.releaseId(), false, "REQUESTED", Actors.of(tenant), now, null, null, null);
        }
        else {
            // A rollback: back to a release the target ran before; based on the target's current pin.
            repository.findRelease(request.releaseId()).filter(found -> found.customerId().equals(customerId))
                    .orElseThrow(() -> NotFound.of("Release " + request.releaseId()));
            if (!repository.wasPinned(customerId, target, request.releaseId())) {
                throw new EdpException(HttpStatus.CONFLICT, "NOT_PREVIOUSLY_PINNED", "Not a previous release",
                        "Release " + request.releaseId() + " was never pinned to " + target
                                + "; promote it from " + source + " instead.");
            }
            long revision = repository.lockPin(customerId, target).map(DeploymentResponses.Pin::revision).orElse(0L);
            promotion = new DeploymentResponses.Promotion(UUID.randomUUID(), customerId, target, target, revision,
                    request.releaseId(), true, "REQUESTED", Actors.of(tenant), now, null, null, null);
        }
        repository.insertPromotion(promotion, tenant.subject());
        audit.record(customerId, tenant, "PROMOTION_REQUESTED", "PROMOTION", promotion.id().toString(), null,
                promotion);
        return promotion;
    }

    @Transactional(readOnly = true)
    DeploymentResponses.Promotion promotion(Tenant tenant, UUID id) {
        var promotion = repository.findPromotion(id).orElseThrow(() -> NotFound.of("Promotion " + id));
        tenant.requireAccess(promotion.customerId(), "Promotion " + id);
        return promotion;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeploymentResponses.Promotion> promotions(Tenant tenant, UUID customerId, Integer limit,
            String cursor) {
        int size = Cursor.limit(limit);
        KeysetQuery order = DeploymentRepository.PROMOTION_ORDER;
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        return KeysetPage.of(repository.promotions(scope, order.after(cursor), size), size,
                promotion -> order.cursorOf(promotion.requestedAt(), promotion.id()));
    }

    @Transactional
    DeploymentResponses.Promotion decide(Tenant tenant, UUID id, boolean approve, String reason) {
        var locked = repository.lockPromotion(id).orElseThrow(() -> NotFound.of("Promotion " + id));
        var before = locked.promotion();
        tenant.requireAccess(before.customerId(), "Promotion " + id);
        if (locked.requestedBySubject().equals(tenant.subject())) {
            throw new EdpException(HttpStatus.FORBIDDEN, "SELF_APPROVAL", "Four-eyes rule",
                    "A promotion must be approved or rejected by someone other than who requested it.");
        }
        if (!"REQUESTED".equals(before.status())) {
            throw new EdpException(HttpStatus.CONFLICT, "PROMOTION_DECIDED", "Already decided",
                    "Promotion " + id + " was already " + before.status().toLowerCase() + ".");
        }
        Instant now = Clocks.now();
        if (approve) {
            long current = repository.lockPin(before.customerId(), before.basisEnvironment())
                    .map(DeploymentResponses.Pin::revision).orElse(0L);
            if (current != before.basisRevision()) {
                throw new EdpException(HttpStatus.CONFLICT, "STALE_PROMOTION", "Promotion is stale",
                        before.basisEnvironment() + " was re-pinned after this promotion was requested;"
                                + " reject it and request a new one.");
            }
            repository.pin(before.customerId(), before.targetEnvironment(), before.releaseId(), now,
                    Actors.of(tenant));
            notifier.changed(before.customerId());
        }
        repository.decide(id, approve ? "APPROVED" : "REJECTED", Actors.of(tenant), tenant.subject(), now, reason);
        var after = repository.findPromotion(id).orElseThrow();
        audit.record(before.customerId(), tenant, approve ? "PROMOTION_APPROVED" : "PROMOTION_REJECTED",
                "PROMOTION", id.toString(), before, after);
        return after;
    }
}
