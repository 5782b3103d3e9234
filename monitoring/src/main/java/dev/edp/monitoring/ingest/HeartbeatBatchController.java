package dev.edp.monitoring.ingest;

import java.util.List;

import dev.edp.platform.device.DeviceProof;
import dev.edp.platform.problem.PlatformProblem;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * E3's batches of device heartbeats ({@link HeartbeatBatches}): an internal path (left
 * out of the API description, refused by the portal gateway, not routed by E3); only E3's
 * proof opens it.
 */
@RestController
class HeartbeatBatchController {

    /**
     * A batch.
     *
     * @param heartbeats the heartbeats, at most {@value HeartbeatBatches#MAX_ITEMS}
     */
    record Batch(List<HeartbeatBatches.Item> heartbeats) {
    }

    /**
     * The answer: one result per heartbeat, in the batch's order.
     *
     * @param results what became of each
     */
    record Answer(List<HeartbeatBatches.Result> results) {
    }

    private final HeartbeatBatches batches;

    private final JsonMapper json;

    HeartbeatBatchController(HeartbeatBatches batches, JsonMapper json) {
        this.batches = batches;
        this.json = json;
    }

    @PostMapping(path = HeartbeatBatches.PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    Answer batch(HttpServletRequest request, @RequestBody byte[] body) {
        batches.checkBatch(request.getHeader(DeviceProof.HEADER), request.getQueryString(), body);
        Batch batch;
        try {
            batch = json.readValue(body, Batch.class);
        }
        catch (JacksonException ex) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY.exception("The batch is not a heartbeat batch.");
        }
        if (batch.heartbeats() == null || batch.heartbeats().size() > HeartbeatBatches.MAX_ITEMS) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY
                .exception("A batch holds 0 to " + HeartbeatBatches.MAX_ITEMS + " heartbeats.");
        }
        return new Answer(batches.take(batch.heartbeats()));
    }

}
