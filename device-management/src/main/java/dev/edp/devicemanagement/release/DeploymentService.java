package dev.edp.devicemanagement.release;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.devicemanagement.desiredstate.DesiredStateNotifier;
import dev.edp.devicemanagement.desiredstate.EnvironmentPins;
import dev.edp.devicemanagement.device.Environment;
import dev.edp.devicemanagement.rollout.RolloutPlan;
import dev.edp.devicemanagement.rollout.RolloutService;
import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.devicemanagement.support.FourEyes;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applications, releases, pins and promotions. TESTING is pinned directly; STAGING and
 * PRODUCTION only through a promotion that a second person (customer-admin or above)
 * approves.
 */
@Service
class DeploymentService {

    private final DeploymentRepository repository;

    private final AuditLog audit;

    private final DesiredStateNotifier notifier;

    private final JsonMapper json;

    private final RolloutService rollouts;

    private final EnvironmentPins pins;

    /**
     * Time of pins and approvals: the rollouts' clock, as pins and rollouts compete by
     * time.
     */
    private final Clock clock;

    DeploymentService(DeploymentRepository repository, AuditLog audit, DesiredStateNotifier notifier, JsonMapper json,
            RolloutService rollouts, EnvironmentPins pins, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.notifier = notifier;
        this.json = json;
        this.rollouts = rollouts;
        this.pins = pins;
        this.clock = clock;
    }

    @Transactional
    DeploymentResponses.Application createApplication(Tenant tenant, DeploymentRequests.Application request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        var app = DeploymentResponses.Application.create(customerId, request,
                Stamp.created(Clocks.now(), tenant.actor()));
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
    KeysetPage<DeploymentResponses.Application> applications(Tenant tenant, ListRequest list) {
        var keyset = list.keyset(DeploymentRepository.APPLICATION_ORDER);
        return repository.applications(keyset, list.scope(tenant));
    }

    @Transactional
    DeploymentResponses.Release createRelease(Tenant tenant, DeploymentRequests.Release request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        List<Map<String, Object>> containers = new ArrayList<>();
        for (DeploymentRequests.Container container : request.containers()) {
            if ((container.tag() == null) == (container.digest() == null)) {
                throw DeviceManagementProblem.IMAGE_TAG_OR_DIGEST
                    .exception("Give exactly one of tag and digest for application " + container.applicationId() + ".");
            }
            var app = repository.findApplication(container.applicationId())
                .filter(found -> found.customerId().equals(customerId))
                .orElseThrow(() -> DeviceManagementProblem.UNKNOWN_APPLICATION
                    .exception("Application " + container.applicationId() + " does not exist for this customer."));
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
                json.valueToTree(containers), Clocks.now(), tenant.actor());
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
    KeysetPage<DeploymentResponses.Release> releases(Tenant tenant, ListRequest list) {
        var keyset = list.keyset(DeploymentRepository.RELEASE_ORDER);
        return repository.releases(keyset, list.scope(tenant));
    }

    @Transactional(readOnly = true)
    List<DeploymentResponses.Pin> pins(Tenant tenant, UUID customerId) {
        UUID scope = tenant.owningCustomer(Optional.ofNullable(customerId));
        return repository.pins(scope);
    }

    /**
     * Pins a release directly: only to an environment whose releases need no approval
     * (TESTING); STAGING and PRODUCTION change only through an approved promotion.
     * @param environment the environment as the caller named it
     */
    @Transactional
    DeploymentResponses.Pin pin(Tenant tenant, String environment, DeploymentRequests.Pin request) {
        Environment target = Environment.named(environment)
            .filter(named -> !named.requiresApproval())
            .orElseThrow(() -> DeviceManagementProblem.PROMOTION_REQUIRED
                .exception("Only TESTING is pinned" + " directly; " + environment
                        + " changes through an approved promotion (POST /api/devices/v1/promotions)."));
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        var release = repository.findRelease(request.releaseId())
            .filter(found -> found.customerId().equals(customerId))
            .orElseThrow(() -> NotFound.of("Release " + request.releaseId()));
        rollouts.requireNoneInProgress(customerId, target);
        var before = repository.lockPin(customerId, target).orElse(null);
        pins.pin(customerId, target, release.id(), Clocks.now(clock), tenant.actor());
        var after = repository.lockPin(customerId, target).orElseThrow();
        audit.record(customerId, tenant, "ENVIRONMENT_PINNED", "PIN", customerId + "/" + target, before, after);
        notifier.changed(customerId);
        return after;
    }

    @Transactional
    DeploymentResponses.Promotion requestPromotion(Tenant tenant, DeploymentRequests.Promotion request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Environment target = Environment.valueOf(request.targetEnvironment());
        Environment source = target.previous();
        DeploymentResponses.Promotion promotion;
        Instant now = Clocks.now();
        JsonNode plan = null;
        if (request.rollout() != null) {
            // Checked now as POST /rollouts would, so an approval never meets a bad plan.
            rollouts.check(customerId, request.rollout());
            plan = json.valueToTree(request.rollout());
        }
        if (request.releaseId() == null) {
            var pin = repository.lockPin(customerId, source)
                .orElseThrow(
                        () -> DeviceManagementProblem.NOTHING_TO_PROMOTE.exception(source + " has no release pinned."));
            promotion = DeploymentResponses.Promotion.of(pin, target, tenant.actor(), now, plan);
        }
        else {
            // A rollback: back to a release the target ran before; based on the target's
            // current pin.
            repository.findRelease(request.releaseId())
                .filter(found -> found.customerId().equals(customerId))
                .orElseThrow(() -> NotFound.of("Release " + request.releaseId()));
            if (!repository.wasPinned(customerId, target, request.releaseId())) {
                throw DeviceManagementProblem.NOT_PREVIOUSLY_PINNED.exception("Release " + request.releaseId()
                        + " was never pinned to " + target + "; promote it from " + source + " instead.");
            }
            long revision = repository.lockPin(customerId, target).map(DeploymentResponses.Pin::revision).orElse(0L);
            promotion = DeploymentResponses.Promotion.rollback(customerId, target, revision, request.releaseId(),
                    tenant.actor(), now, plan);
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
    KeysetPage<DeploymentResponses.Promotion> promotions(Tenant tenant, ListRequest list) {
        var keyset = list.keyset(DeploymentRepository.PROMOTION_ORDER);
        return repository.promotions(keyset, list.scope(tenant));
    }

    @Transactional
    DeploymentResponses.Promotion decide(Tenant tenant, UUID id, boolean approve, String reason) {
        var locked = repository.lockPromotion(id).orElseThrow(() -> NotFound.of("Promotion " + id));
        var before = locked.promotion();
        tenant.requireAccess(before.customerId(), "Promotion " + id);
        FourEyes.requireDecidable(tenant, "promotion", id, locked.requestedBySubject(), before.approval().status(),
                DeviceManagementProblem.PROMOTION_DECIDED);
        Instant now = Clocks.now(clock);
        if (approve) {
            long current = repository.lockPin(before.customerId(), before.basisEnvironment())
                .map(DeploymentResponses.Pin::revision)
                .orElse(0L);
            if (current != before.basisRevision()) {
                throw DeviceManagementProblem.STALE_PROMOTION.exception(before.basisEnvironment()
                        + " was re-pinned after this promotion was requested;" + " reject it and request a new one.");
            }
            rollouts.requireNoneInProgress(before.customerId(), before.targetEnvironment());
            if (before.rollout() != null) {
                // The rollout pins the target once it succeeds.
                rollouts.startFromPromotion(tenant, before.customerId(), before.targetEnvironment(), before.releaseId(),
                        json.treeToValue(before.rollout(), RolloutPlan.class), id);
            }
            else {
                pins.pin(before.customerId(), before.targetEnvironment(), before.releaseId(), now, tenant.actor());
                notifier.changed(before.customerId());
            }
        }
        repository.decide(id, approve, tenant, now, reason);
        var after = repository.findPromotion(id).orElseThrow();
        audit.record(before.customerId(), tenant, approve ? "PROMOTION_APPROVED" : "PROMOTION_REJECTED", "PROMOTION",
                id.toString(), before, after);
        return after;
    }

}
