package dev.edp.devicemanagement.rollout;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.edp.devicemanagement.desiredstate.DesiredStateNotifier;
import dev.edp.devicemanagement.desiredstate.EnvironmentPins;
import dev.edp.devicemanagement.device.Environment;
import dev.edp.devicemanagement.events.DeviceEventType;
import dev.edp.devicemanagement.events.DeviceEvents;
import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.problem.FieldErrors;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Rollouts: start (TESTING directly, STAGING/PRODUCTION from an approved promotion),
 * operators' actions, and the decisions {@link RolloutScheduler} makes. Every transition
 * locks the rollout's row and is a guarded {@code UPDATE … WHERE status = :expected}, so
 * operators and schedulers on several replicas never apply one twice; each is audited and
 * wakes the customer's long-polls.
 */
@Service
public class RolloutService {

    /** Who the audit trail names for the scheduler's decisions. */
    static final String SCHEDULER = "rollout-scheduler";

    private static final int MAX_REASON = 1000;

    private final RolloutRepository repository;

    private final AuditLog audit;

    private final DesiredStateNotifier notifier;

    private final DeviceEvents events;

    private final EnvironmentPins pins;

    private final Clock clock;

    RolloutService(RolloutRepository repository, AuditLog audit, DesiredStateNotifier notifier, DeviceEvents events,
            EnvironmentPins pins, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.notifier = notifier;
        this.events = events;
        this.pins = pins;
        this.clock = clock;
    }

    // --- for promotions and pins (other packages)

    /**
     * Checks a plan a promotion request carries, as {@code POST /rollouts} would.
     * @param customerId the promotion's customer
     * @param plan the plan
     * @throws dev.edp.platform.problem.EdpException 400 {@code VALIDATION_FAILED}, 404
     * for a machine the customer has no device on
     */
    @Transactional(readOnly = true)
    public void check(UUID customerId, RolloutPlan plan) {
        valid(customerId, plan, null);
    }

    /**
     * @throws dev.edp.platform.problem.EdpException 409 {@code ROLLOUT_IN_PROGRESS} when
     * the environment has an unfinished rollout
     */
    @Transactional(readOnly = true)
    public void requireNoneInProgress(UUID customerId, Environment environment) {
        if (repository.inProgress(customerId, environment)) {
            throw inProgress(environment);
        }
    }

    /**
     * Starts the rollout an approved promotion carries (in the approval's transaction).
     * @param approver who approved: the rollout's creator
     * @param promotionId the promotion, linked to the rollout
     * @return the rollout's id
     */
    @Transactional
    public UUID startFromPromotion(Tenant approver, UUID customerId, Environment target, UUID releaseId,
            RolloutPlan plan, UUID promotionId) {
        Plans.Valid valid = valid(customerId, plan, null);
        Rollout started = start(approver, customerId, releaseId, target, valid, promotionId, null);
        repository.linkPromotion(promotionId, started.id());
        return started.id();
    }

    // --- operator API

    @Transactional
    Rollout create(Tenant tenant, RolloutRequests.Create request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Plans.Valid plan = valid(customerId, request.plan(), null);
        requireRelease(customerId, request.releaseId());
        Environment environment = Environment.valueOf(request.environment());
        if (environment.requiresApproval()) {
            throw DeviceManagementProblem.PROMOTION_REQUIRED.exception("A rollout into " + environment
                    + " starts only from an approved promotion (POST /api/devices/v1/promotions with a rollout plan).");
        }
        return start(tenant, customerId, request.releaseId(), environment, plan, null, null);
    }

    @Transactional(readOnly = true)
    Rollout.Preview preview(Tenant tenant, RolloutRequests.Create request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Plans.Valid plan = valid(customerId, request.plan(), null);
        requireRelease(customerId, request.releaseId());
        Environment environment = Environment.valueOf(request.environment());
        RolloutRepository.Matching matching = repository.matching(customerId, environment, plan);
        int[] sizes = plan.sizes(matching.targets());
        List<List<Rollout.Sample>> samples = new ArrayList<>();
        for (int size : sizes) {
            samples.add(new ArrayList<>());
        }
        for (Map.Entry<Integer, Rollout.Sample> sample : repository.sample(customerId, environment, plan, sizes)) {
            samples.get(sample.getKey()).add(sample.getValue());
        }
        List<Rollout.PreviewGroup> groups = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            groups.add(new Rollout.PreviewGroup(i, sizes[i], samples.get(i)));
        }
        return new Rollout.Preview(matching.targets(), matching.excluded(), groups);
    }

    @Transactional(readOnly = true)
    Rollout get(Tenant tenant, UUID id) {
        Rollout rollout = repository.find(id).orElseThrow(() -> NotFound.of("Rollout " + id));
        tenant.requireAccess(rollout.customerId(), "Rollout " + id);
        return rollout;
    }

    @Transactional(readOnly = true)
    KeysetPage<Rollout> list(Tenant tenant, ListRequest list, Environment environment, RolloutStatus status) {
        return repository.page(list.keyset(RolloutRepository.ORDER), list.scope(tenant), environment, status);
    }

    @Transactional(readOnly = true)
    KeysetPage<Rollout.Device> devices(Tenant tenant, UUID id, ListRequest list, Integer group,
            RolloutDeviceStatus status) {
        get(tenant, id);
        UUID afterId = Cursor.decodeSingle(list.cursor(), UUID::fromString);
        return KeysetPage.of(repository.devices(id, group, status, afterId, list.limit()), list.limit(),
                device -> List.of(device.deviceId().toString()));
    }

    @Transactional(readOnly = true)
    List<Rollout.Event> events(Tenant tenant, UUID id, UUID deviceId) {
        get(tenant, id);
        if (!repository.hasDevice(id, deviceId)) {
            throw NotFound.of("Device " + deviceId + " of rollout " + id);
        }
        return repository.events(id, deviceId);
    }

    @Transactional
    Rollout pause(Tenant tenant, UUID id, String reason) {
        Action action = begin(tenant, id, RolloutStatus.RUNNING, RolloutStatus.WAITING);
        String why = truncate(
                "Paused by " + tenant.actor() + (reason == null || reason.isBlank() ? "" : ": " + reason));
        repository.transition(id, action.locked().status(), RolloutStatus.PAUSED, why, action.now(), tenant.actor());
        publish(action.before(), DeviceEventType.ROLLOUT_PAUSED, " paused by an operator: " + why, action.now());
        return changed(tenant, action.before(), "ROLLOUT_PAUSED");
    }

    @Transactional
    Rollout resume(Tenant tenant, UUID id) {
        Action action = begin(tenant, id, RolloutStatus.PAUSED);
        Integer group = action.locked().activeGroup();
        // The paused group is evaluated again, its timeout counted from now; a rollout
        // paused while WAITING (its group had succeeded) waits again.
        boolean reopened = group != null && repository.reopenGroup(id, group, action.now());
        repository.transition(id, RolloutStatus.PAUSED, reopened ? RolloutStatus.RUNNING : RolloutStatus.WAITING, null,
                action.now(), tenant.actor());
        publish(action.before(), DeviceEventType.ROLLOUT_PAUSE_ENDED, " resumed by " + tenant.actor() + ".",
                action.now());
        return changed(tenant, action.before(), "ROLLOUT_RESUMED");
    }

    @Transactional
    Rollout proceed(Tenant tenant, UUID id) {
        Action action = begin(tenant, id, RolloutStatus.WAITING);
        repository.transition(id, RolloutStatus.WAITING, RolloutStatus.RUNNING, null, action.now(), tenant.actor());
        Integer group = action.locked().activeGroup();
        int next = group == null ? 0 : group + 1;
        Rollout after = changed(tenant, action.before(), "ROLLOUT_CONTINUED");
        if (repository.startGroup(id, next, action.now())) {
            after = repository.find(id).orElseThrow();
            audit.record(after.customerId(), tenant, "ROLLOUT_GROUP_STARTED", "ROLLOUT", id.toString(), null,
                    after.group(next));
        }
        return after;
    }

    @Transactional
    Rollout cancel(Tenant tenant, UUID id) {
        Action action = begin(tenant, id, RolloutStatus.RUNNING, RolloutStatus.WAITING, RolloutStatus.PAUSED);
        RolloutStatus status = action.locked().status();
        repository.transition(id, status, RolloutStatus.CANCELLED, null, action.now(), tenant.actor());
        if (status == RolloutStatus.PAUSED) {
            publish(action.before(), DeviceEventType.ROLLOUT_PAUSE_ENDED, " cancelled by " + tenant.actor() + ".",
                    action.now());
        }
        return changed(tenant, action.before(), "ROLLOUT_CANCELLED");
    }

    /**
     * Rolls a rollout back: it becomes ROLLED_BACK and a new rollout takes its
     * {@code previousReleaseId} to its delivered devices still in the environment.
     * @return the new rollout
     */
    @Transactional
    Rollout rollback(Tenant tenant, UUID id, RolloutPlan plan) {
        RolloutRepository.Locked locked = lockVisible(tenant, id);
        if (locked.status() == RolloutStatus.ROLLED_BACK) {
            throw state(locked.status());
        }
        Rollout before = repository.find(id).orElseThrow();
        RolloutPlan given = plan == null ? new RolloutPlan(null, null, null, null, null, null) : plan;
        if (given.selector() != null) {
            throw FieldErrors.invalid(Map.of("selector", "a rollback targets the original's delivered devices"));
        }
        Plans.Valid valid = Plans.validate(given, List.of(new RolloutPlan.Group("100%", null, null, null)));
        if (before.previousReleaseId() == null) {
            throw DeviceManagementProblem.NOTHING_TO_ROLL_BACK_TO.exception("Rollout " + id + " started when "
                    + before.environment() + " had no release pinned; there is nothing to roll back to.");
        }
        Instant now = Clocks.now(clock);
        repository.transition(id, locked.status(), RolloutStatus.ROLLED_BACK, null, now, tenant.actor());
        if (locked.status() == RolloutStatus.PAUSED) {
            publish(before, DeviceEventType.ROLLOUT_PAUSE_ENDED, " rolled back by " + tenant.actor() + ".", now);
        }
        changed(tenant, before, "ROLLOUT_ROLLED_BACK");
        return start(tenant, before.customerId(), before.previousReleaseId(), before.environment(), valid, null, id);
    }

    // --- the scheduler's decisions

    /**
     * Decides a running rollout's active group from its counts: error threshold crossed →
     * PAUSED (+ event); success threshold reached (or no devices) → the next group, or
     * WAITING (MANUAL), or SUCCEEDED with the environment pinned; every device decided
     * without success → PAUSED. Under the rollout's row lock and only if it is still
     * RUNNING on that group, so a decision is applied once.
     */
    @Transactional
    void decide(RolloutRepository.Active active) {
        Rollout.Counts counts = active.counts();
        long size = counts.total();
        long failed = counts.failed() + counts.timedOut();
        boolean crossed = size > 0 && failed * 100 > (long) active.errorThreshold() * size;
        boolean succeeded = size == 0 || counts.ready() * 100 >= (long) active.successThreshold() * size;
        boolean decided = counts.pending() + counts.assigned() + counts.reconciling() == 0;
        if (!crossed && !succeeded && !decided) {
            return;
        }
        RolloutRepository.Locked locked = repository.lock(active.rolloutId()).orElseThrow();
        if (locked.status() != RolloutStatus.RUNNING || !Objects.equals(locked.activeGroup(), active.group())) {
            return;
        }
        Tenant scheduler = scheduler(locked.customerId());
        Instant now = Clocks.now(clock);
        if (crossed || !succeeded) {
            String why = crossed
                    ? "Group %d crossed its error threshold: %d of %d devices failed or timed out (above %d %%)."
                        .formatted(active.group(), failed, size, active.errorThreshold())
                    : "Every device of group %d is decided, %d of %d ready: below its success threshold of %d %%."
                        .formatted(active.group(), counts.ready(), size, active.successThreshold());
            Rollout before = repository.find(active.rolloutId()).orElseThrow();
            if (!repository.finishGroup(active.rolloutId(), active.group(), "FAILED", now)) {
                return;
            }
            repository.transition(active.rolloutId(), RolloutStatus.RUNNING, RolloutStatus.PAUSED, why, now, SCHEDULER);
            publish(before, DeviceEventType.ROLLOUT_PAUSED, " paused: " + why, now);
            changed(scheduler, before, "ROLLOUT_PAUSED");
            return;
        }
        succeed(scheduler, locked, active.group(), now);
    }

    /** The group succeeded: start the next (AUTO), wait (MANUAL) or finish. */
    private void succeed(Tenant scheduler, RolloutRepository.Locked locked, int group, Instant now) {
        UUID id = locked.id();
        if (!repository.finishGroup(id, group, "SUCCEEDED", now)) {
            return;
        }
        if (group == locked.lastGroup()) {
            Rollout before = repository.find(id).orElseThrow();
            repository.transition(id, RolloutStatus.RUNNING, RolloutStatus.SUCCEEDED, null, now, SCHEDULER);
            Map<String, Object> pinBefore = repository.pinRecord(locked.customerId(), before.environment());
            pins.pin(locked.customerId(), before.environment(), before.releaseId(), now, SCHEDULER);
            audit.record(locked.customerId(), scheduler, "ENVIRONMENT_PINNED", "PIN",
                    locked.customerId() + "/" + before.environment(), pinBefore,
                    repository.pinRecord(locked.customerId(), before.environment()));
            changed(scheduler, before, "ROLLOUT_SUCCEEDED");
        }
        else if (Plans.Advance.valueOf(locked.advance()) == Plans.Advance.AUTO) {
            if (repository.startGroup(id, group + 1, now)) {
                Rollout after = repository.find(id).orElseThrow();
                audit.record(locked.customerId(), scheduler, "ROLLOUT_GROUP_STARTED", "ROLLOUT", id.toString(), null,
                        after.group(group + 1));
                notifier.changed(locked.customerId());
                if (repository.groupSize(id, group + 1) == 0) {
                    // A group without devices succeeds at once.
                    succeed(scheduler, locked, group + 1, now);
                }
            }
        }
        else {
            repository.transition(id, RolloutStatus.RUNNING, RolloutStatus.WAITING, null, now, SCHEDULER);
        }
    }

    // --- shared

    private Rollout start(Tenant tenant, UUID customerId, UUID releaseId, Environment environment, Plans.Valid plan,
            UUID promotionId, UUID rollbackOf) {
        if (repository.inProgress(customerId, environment)) {
            throw inProgress(environment);
        }
        Instant now = Clocks.now(clock);
        UUID previous = repository.lockPin(customerId, environment).orElse(null);
        UUID id = UUID.randomUUID();
        int excluded = rollbackOf == null ? repository.matching(customerId, environment, plan).excluded()
                : repository.excludedOfRollback(customerId, environment, rollbackOf);
        Rollout rollout = new Rollout(id, customerId, releaseId, null, previous, environment, plan.selector(),
                plan.advance().name(), plan.successThreshold(), plan.errorThreshold(), plan.groupTimeout(),
                RolloutStatus.RUNNING, null, promotionId, rollbackOf, 0, excluded, null, List.of(),
                Stamp.created(now, tenant.actor()));
        try {
            repository.insert(rollout, plan);
        }
        catch (DuplicateKeyException ex) {
            // Another rollout of this environment started at the same moment.
            throw inProgress(environment);
        }
        int total = repository.insertTargets(id, customerId, environment, plan, rollbackOf, now);
        repository.assignGroups(id, plan.sizes(total));
        repository.startGroup(id, 0, now);
        Rollout created = repository.find(id).orElseThrow();
        audit.record(customerId, tenant, "ROLLOUT_CREATED", "ROLLOUT", id.toString(), null, created);
        audit.record(customerId, tenant, "ROLLOUT_GROUP_STARTED", "ROLLOUT", id.toString(), null, created.group(0));
        notifier.changed(customerId);
        return created;
    }

    private Plans.Valid valid(UUID customerId, RolloutPlan plan, List<RolloutPlan.Group> defaultGroups) {
        Plans.Valid valid = Plans.validate(plan, defaultGroups);
        // A machine is known here only through the customer's devices: another
        // customer's machine answers like one that does not exist.
        if (valid.machineId() != null && !repository.hasMachine(customerId, valid.machineId())) {
            throw NotFound.of("Machine " + valid.machineId());
        }
        return valid;
    }

    private void requireRelease(UUID customerId, UUID releaseId) {
        repository.releaseCustomer(releaseId)
            .filter(customerId::equals)
            .orElseThrow(() -> NotFound.of("Release " + releaseId));
    }

    private RolloutRepository.Locked lockVisible(Tenant tenant, UUID id) {
        RolloutRepository.Locked locked = repository.lock(id).orElseThrow(() -> NotFound.of("Rollout " + id));
        tenant.requireAccess(locked.customerId(), "Rollout " + id);
        return locked;
    }

    /**
     * An operator's action on a rollout, begun: the rollout locked, as it was before, and
     * the time by the rollouts' clock.
     */
    private record Action(RolloutRepository.Locked locked, Rollout before, Instant now) {
    }

    /**
     * @param allowed the statuses the action is allowed in
     * @throws dev.edp.platform.problem.EdpException 404 for another customer's rollout,
     * 409 {@code ROLLOUT_STATE} in another status
     */
    private Action begin(Tenant tenant, UUID id, RolloutStatus... allowed) {
        RolloutRepository.Locked locked = lockVisible(tenant, id);
        if (!List.of(allowed).contains(locked.status())) {
            throw state(locked.status());
        }
        return new Action(locked, repository.find(id).orElseThrow(), Clocks.now(clock));
    }

    private static RuntimeException state(RolloutStatus status) {
        return DeviceManagementProblem.ROLLOUT_STATE.exception("Rollout is " + status);
    }

    private static RuntimeException inProgress(Environment environment) {
        return DeviceManagementProblem.ROLLOUT_IN_PROGRESS.exception(environment
                + " has a rollout in progress (RUNNING, WAITING or PAUSED); cancel it or wait until it finished.");
    }

    /** Audits a transition (before, after) and wakes the customer's long-polls. */
    private Rollout changed(Tenant actor, Rollout before, String action) {
        Rollout after = repository.find(before.id()).orElseThrow();
        audit.record(before.customerId(), actor, action, "ROLLOUT", before.id().toString(), before, after);
        notifier.changed(before.customerId());
        return after;
    }

    /**
     * Tells monitoring about the rollout (in the caller's transaction).
     * @param what what happened to it, after its description
     */
    private void publish(Rollout rollout, DeviceEventType type, String what, Instant at) {
        events.publishRollout(rollout.id(), rollout.customerId(), type, "Rollout " + rollout.id() + " of release "
                + rollout.releaseName() + " into " + rollout.environment() + what, at);
    }

    private static String truncate(String text) {
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
    }

    private static Tenant scheduler(UUID customerId) {
        return new Tenant(SCHEDULER, SCHEDULER, Optional.of(customerId), Set.of());
    }

}
