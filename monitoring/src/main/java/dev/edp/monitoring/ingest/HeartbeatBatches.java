package dev.edp.monitoring.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.edp.platform.device.DeviceAssertionException;
import dev.edp.platform.device.DeviceAssertionVerifier;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.device.DeviceProof;
import dev.edp.platform.input.JsonBodyCheck;
import dev.edp.platform.problem.PlatformProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Heartbeats E3 collected from many devices and hands over in one request (see
 * {@link HeartbeatBatchController}); each one is taken exactly as
 * {@link DeviceReportController#heartbeat} would take it, or handed back.
 * <p>
 * The batch itself must carry E3's request proof without a device, bound to the batch
 * path and to {@code sha256} of its body (the proof's query), so only E3 can hand one
 * over and a proof cannot carry another body. Each heartbeat in it carries what E3 would
 * have forwarded with it alone: the device's credential and the request proof for
 * {@code POST /monitoring/api/v1/heartbeat}, verified here exactly as on that path; its
 * body then passes the same checks as that path's (storable text, the same JSON mapper,
 * the same Bean Validation). One that fails any of them, or finds the buffer full, is
 * answered {@link Result#RESEND}: nothing of it is kept, and E3 sends it alone to the
 * heartbeat path, whose answer (400, 401, 503 {@code BUFFER_FULL}) the device then gets
 * as before. So batching changes what a heartbeat costs, never what it is answered.
 */
@Component
class HeartbeatBatches {

    /** Where E3 sends batches. */
    static final String PATH = "/api/monitoring/v1/internal/heartbeat-batches";

    /** The path each heartbeat's proof is bound to: the device's own request. */
    static final String HEARTBEAT_PATH = "/monitoring/api/v1/heartbeat";

    /** The most heartbeats one batch may hold. */
    static final int MAX_ITEMS = 500;

    /** What became of one heartbeat of a batch. */
    enum Result {

        /** Taken into the buffer, as with 202 on the heartbeat path. */
        ACCEPTED,

        /** Not kept; E3 sends it alone to the heartbeat path. */
        RESEND

    }

    /**
     * One heartbeat as the device sent it, with what E3 forwards for the device.
     *
     * @param credential the device credential E3 made for monitoring
     * @param proof E3's request proof for the device's {@code POST} to
     * {@value #HEARTBEAT_PATH}
     * @param body the request body as the device sent it, base64
     */
    record Item(String credential, String proof, String body) {
    }

    /**
     * A batch as E3 sends it.
     *
     * @param heartbeats the heartbeats, at most {@value #MAX_ITEMS}
     */
    record Batch(List<Item> heartbeats) {
    }

    private final DeviceAssertionVerifier verifier;

    private final ReportBuffer buffer;

    private final JsonMapper json;

    private final JsonBodyCheck texts;

    private final Validator validator;

    private final Counter accepted;

    private final Counter resent;

    HeartbeatBatches(DeviceAssertionVerifier verifier, ReportBuffer buffer, JsonMapper json, Validator validator,
            MeterRegistry meters) {
        this.verifier = verifier;
        this.buffer = buffer;
        this.json = json;
        this.texts = new JsonBodyCheck(json.tokenStreamFactory());
        this.validator = validator;
        this.accepted = items(meters, "accepted");
        this.resent = items(meters, "resend");
    }

    private static Counter items(MeterRegistry meters, String result) {
        return Counter.builder("edp.heartbeat.batch.items")
            .description("Heartbeats received in E3's batches, by result")
            .tag("result", result)
            .register(meters);
    }

    /**
     * @param proof the batch's proof header
     * @param rawQuery the batch request's raw query ({@code sha256=<digest of the body>})
     * @param body the batch request's body
     * @return what became of each heartbeat, in the batch's order
     * @throws dev.edp.platform.problem.EdpException 401 {@code UNAUTHORIZED} if the proof
     * does not verify for this path and body; 400 {@code MALFORMED_REQUEST_BODY} if the
     * body is no batch of at most {@value #MAX_ITEMS}
     */
    List<Result> take(String proof, String rawQuery, byte[] body) {
        try {
            verifier.verifiedClientAddress(null, proof, "POST", PATH, rawQuery);
        }
        catch (DeviceAssertionException ex) {
            throw unauthorized();
        }
        if (!DeviceProof.bodyQuery(body).equals(rawQuery)) {
            throw unauthorized();
        }
        Batch batch;
        try {
            batch = json.readValue(body, Batch.class);
        }
        catch (JacksonException ex) {
            batch = null;
        }
        if (batch == null || batch.heartbeats() == null || batch.heartbeats().size() > MAX_ITEMS) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY
                .exception("A heartbeat batch is {\"heartbeats\":[…]} with at most " + MAX_ITEMS + " heartbeats.");
        }
        List<Result> results = new ArrayList<>(batch.heartbeats().size());
        for (Item item : batch.heartbeats()) {
            Result result = take(item);
            (result == Result.ACCEPTED ? accepted : resent).increment();
            results.add(result);
        }
        return results;
    }

    private Result take(Item item) {
        if (item == null || item.body() == null) {
            return Result.RESEND;
        }
        DevicePrincipal device;
        try {
            device = verifier.verify(item.credential(), item.proof(), "POST", HEARTBEAT_PATH, null);
        }
        catch (DeviceAssertionException ex) {
            return Result.RESEND;
        }
        byte[] body;
        try {
            body = Base64.getDecoder().decode(item.body());
        }
        catch (IllegalArgumentException ex) {
            return Result.RESEND;
        }
        if (body.length == 0 || texts.check(body, StandardCharsets.UTF_8) != null) {
            return Result.RESEND;
        }
        HeartbeatRequest heartbeat;
        try {
            heartbeat = json.readValue(body, HeartbeatRequest.class);
        }
        catch (JacksonException ex) {
            return Result.RESEND;
        }
        if (heartbeat == null || !validator.validate(heartbeat).isEmpty()) {
            return Result.RESEND;
        }
        try {
            buffer.heartbeat(device, heartbeat);
        }
        catch (ReportBuffer.Full full) {
            return Result.RESEND;
        }
        return Result.ACCEPTED;
    }

    private static RuntimeException unauthorized() {
        return PlatformProblem.UNAUTHORIZED.exception("Heartbeat batches are taken from E3 only.");
    }

}
