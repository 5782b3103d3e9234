package dev.edp.monitoring.ingest;

import java.util.List;

import dev.edp.platform.device.DeviceProof;
import jakarta.servlet.http.HttpServletRequest;

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
     * The answer: one result per heartbeat, in the batch's order.
     *
     * @param results what became of each
     */
    record Answer(List<HeartbeatBatches.Result> results) {
    }

    private final HeartbeatBatches batches;

    HeartbeatBatchController(HeartbeatBatches batches) {
        this.batches = batches;
    }

    @PostMapping(path = HeartbeatBatches.PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    Answer batch(HttpServletRequest request, @RequestBody byte[] body) {
        return new Answer(batches.take(request.getHeader(DeviceProof.HEADER), request.getQueryString(), body));
    }

}
