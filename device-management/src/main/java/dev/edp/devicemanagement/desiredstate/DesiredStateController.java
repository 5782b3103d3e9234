package dev.edp.devicemanagement.desiredstate;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.device.LongPoll;
import dev.edp.platform.problem.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The device side (through E3): a device fetches what it should run. Cheap to repeat: a
 * strong ETag, {@code If-None-Match} answers 304, and {@code wait=N} holds the request
 * (without a thread) until the state changes or N seconds passed. N is clamped to
 * {@code edp.device.long-poll.max-wait} (the starter's {@link LongPoll}; E3 derives its
 * response timeout from the same setting), so a long-poll always ends here before E3
 * gives up on it: the wait counts from the request's arrival, so a first read that was
 * slow (a database under load or just back) does not push the answer past E3's timeout
 * (it did: 504s after a database freeze). A database fault is a 503 (starter) on the
 * first read; while parked, a check the database cannot answer leaves the request parked
 * until its wait ends with the usual 304. Both reads of a request (on arrival, and again
 * after its waiter is registered) go through {@link DesiredStateReads}, which reads
 * requests arriving together in one query.
 */
@RestController
@Tag(name = "Device: desired state", description = "For device agents, through E3")
class DesiredStateController {

    private static final Logger log = LoggerFactory.getLogger(DesiredStateController.class);

    private final DesiredStateReads states;

    private final DesiredStateWaiters waiters;

    private final long maxWaitMillis;

    DesiredStateController(DesiredStateReads states, DesiredStateWaiters waiters, Environment environment) {
        this.states = states;
        this.waiters = waiters;
        this.maxWaitMillis = LongPoll.maxWait(environment).toMillis();
    }

    @GetMapping("/devices/api/v1/device/desired-state")
    @ApiResponse(responseCode = "200", description = "The desired state, with its ETag",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = DesiredStateResponse.class)))
    @ApiResponse(responseCode = "304",
            description = "Unchanged since If-None-Match (also when a long-poll ends " + "without a change)")
    @Operation(summary = "What this device should run; 304 for an unchanged If-None-Match, long-poll with wait")
    DeferredResult<ResponseEntity<DesiredStateResponse>> desiredState(DevicePrincipal device,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @Parameter(description = "seconds to wait for a change when If-None-Match is current, 0 or more; "
                    + "held at most edp.device.long-poll.max-wait (30 s by default)") @RequestParam(
                            defaultValue = "0") int wait) {
        if (wait < 0) {
            throw DeviceManagementProblem.INVALID_WAIT.exception("wait must be 0 or more seconds.");
        }
        long arrived = System.nanoTime();
        long waitMillis = Math.min(wait * 1000L, maxWaitMillis);
        DesiredState current = current(device);
        // The wait counts from the request's arrival: a slow first read must not push the
        // answer past E3's timeout.
        long remainingMillis = waitMillis - (System.nanoTime() - arrived) / 1_000_000;
        DeferredResult<ResponseEntity<DesiredStateResponse>> result = new DeferredResult<>(
                Math.max(remainingMillis, 0) + 1000L);
        if (!matches(ifNoneMatch, current.etag()) || remainingMillis <= 0) {
            result.setResult(answer(current, ifNoneMatch));
            return result;
        }
        UUID customer = device.customerId();
        AtomicBoolean done = new AtomicBoolean();
        DesiredStateWaiters.Waiter[] self = new DesiredStateWaiters.Waiter[1];
        self[0] = new DesiredStateWaiters.Waiter() {

            @Override
            public UUID deviceId() {
                return device.deviceId();
            }

            @Override
            public void offer(DesiredState now) {
                if (!matches(ifNoneMatch, now.etag()) && done.compareAndSet(false, true)) {
                    waiters.remove(customer, this);
                    result.setResult(answer(now, ifNoneMatch));
                }
            }

        };
        Runnable giveUp = () -> {
            if (done.compareAndSet(false, true)) {
                waiters.remove(customer, self[0]);
                result.setResult(notModified(current.etag()));
            }
        };
        result.onTimeout(giveUp);
        result.onError(error -> giveUp.run());
        result.onCompletion(() -> waiters.remove(customer, self[0]));
        waiters.add(customer, self[0]);
        // A change committed between the first read and the registration woke nobody:
        // look again.
        try {
            self[0].offer(current(device));
        }
        catch (DataAccessException ex) {
            // The database cannot tell now: stay parked; the wait ends with 304, or a
            // wake-up asks again.
            log.debug("Desired state of {} not checked again: {}", device.deviceId(), ex.getMessage());
        }
        return result;
    }

    private DesiredState current(DevicePrincipal device) {
        return states.find(device.customerId(), device.deviceId())
            .orElseThrow(() -> NotFound.withDetail("Device " + device.deviceId() + " is not registered."));
    }

    private static ResponseEntity<DesiredStateResponse> answer(DesiredState state, String ifNoneMatch) {
        if (matches(ifNoneMatch, state.etag())) {
            return notModified(state.etag());
        }
        return ResponseEntity.ok().eTag(state.etag()).body(DesiredStateResponse.of(state));
    }

    private static ResponseEntity<DesiredStateResponse> notModified(String etag) {
        return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.trim();
            if (value.equals("*") || value.equals(etag)) {
                return true;
            }
        }
        return false;
    }

}
