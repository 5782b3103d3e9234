package dev.edp.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link FakeE3} on Netty as a process of its own, for measuring the simulator (README,
 * "Scale"): {@code java -cp <test classpath> dev.edp.agent.FakeE3Server DIR} writes
 * {@code DIR/ca.pem} (the root to trust) and {@code DIR/url}, accepts
 * {@link FakeE3#TOKEN} any number of times, holds long-polls until a change, and runs
 * until killed. Writing a name into {@code DIR/release} publishes a desired state with
 * that release (one container) to every device.
 */
final class FakeE3Server {

    private FakeE3Server() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        FakeE3 e3 = FakeE3.onNetty();
        e3.holdPolls = true;
        e3.holdFor = Duration.ofSeconds(55);
        Files.writeString(dir.resolve("ca.pem"), Pems.write(List.of(e3.ca.root)));
        Files.writeString(dir.resolve("url"), e3.url().toString());
        System.out.println("FakeE3 at " + e3.url() + ", trust " + dir.resolve("ca.pem") + ", token " + FakeE3.TOKEN);
        Path release = dir.resolve("release");
        String published = null;
        while (true) {
            Thread.sleep(200);
            String wanted = Files.exists(release) ? Files.readString(release).strip() : null;
            if (wanted != null && !wanted.isEmpty() && !wanted.equals(published)) {
                e3.desire(wanted, "registry.example.com/sim/app:" + wanted);
                published = wanted;
                System.out.println(
                        Instant.now() + " published " + wanted + " to " + e3.waitingPolls.get() + " held long-polls");
            }
        }
    }

}
