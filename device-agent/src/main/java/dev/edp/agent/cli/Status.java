package dev.edp.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.edp.agent.DeviceIdentity;
import dev.edp.agent.DeviceStore;
import dev.edp.agent.RenewalSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

/**
 * {@code edp-agent status}: what the device directory says about the device and its last
 * run.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows identity, certificate expiry, last heartbeat, desired vs running.")
final class Status implements Callable<Integer> {

    @Mixin
    OnboardedDirectory directory;

    @Override
    public Integer call() throws IOException {
        DeviceStore store = directory.store();
        if (!store.exists()) {
            System.err.println("No device in " + store.dir() + " (run edp-agent onboard first).");
            return 1;
        }
        PrintStream out = System.out;
        DeviceIdentity identity = store.credentials().identity();
        out.println("Device        " + identity.deviceId());
        out.println("Customer      " + identity.customerId());
        out.println("E3            " + store.e3());
        out.println("Certificate   serial " + identity.serial() + ", valid until " + identity.notAfter()
                + (identity.notAfter().isBefore(Instant.now()) ? " (EXPIRED)" : "") + ", renewal at "
                + RenewalSchedule.renewAt(identity));
        JsonNode status = store.readStatus();
        if (status == null) {
            out.println("Agent         never ran");
            return 0;
        }
        long pid = status.path("pid").asLong(-1);
        boolean alive = status.path("exitReason").isNull()
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        out.println("Agent         " + (alive ? "running (pid " + pid + ")" : "not running"
                + (status.path("exitReason").isNull() ? "" : " (" + status.path("exitReason").asString() + ")")));
        out.println("Last heartbeat " + text(status.path("lastHeartbeat"), "none"));
        if (!status.path("lastError").isNull()) {
            out.println("Last error    " + status.path("lastError").asString());
        }
        if (alive) {
            for (JsonNode retry : status.path("retrying")) {
                out.println("Retrying      " + retry.path("loop").asString() + ": " + retry.path("message").asString()
                        + " (attempt " + retry.path("attempt").asInt() + ", next at "
                        + retry.path("nextAttemptAt").asString() + ")" + (retry.path("status").asInt() == 401
                                ? "; not a certificate refusal, the agent keeps running" : ""));
            }
        }
        JsonNode desired = status.path("desired");
        out.println("Desired       " + (desired.isNull() || desired.isMissingNode() ? "not fetched yet"
                : text(desired.path("releaseName"), "nothing") + " " + desired.path("containers")));
        out.print("Running      ");
        if (status.path("running").isEmpty()) {
            out.print(" nothing");
        }
        for (JsonNode container : status.path("running")) {
            out.print(" " + container.path("name").asString() + " (" + container.path("state").asString() + ")");
        }
        out.println();
        out.println("Updated       " + text(status.path("updatedAt"), "-"));
        return 0;
    }

    private static String text(JsonNode node, String absent) {
        return node.isNull() || node.isMissingNode() ? absent : node.asString();
    }

}
