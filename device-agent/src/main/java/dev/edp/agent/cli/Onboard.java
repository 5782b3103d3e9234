package dev.edp.agent.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.DeviceIdentity;
import dev.edp.agent.DeviceStore;
import dev.edp.agent.E3Exception;
import dev.edp.agent.E3Trust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edp-agent onboard}: a key and CSR, enrolled at E3 with the token, kept in the
 * device directory.
 */
@Command(name = "onboard", mixinStandardHelpOptions = true,
        description = "Generates a key (EC P-256) and CSR, enrolls at E3 with the token, stores key and certificate.")
final class Onboard implements Callable<Integer> {

    @Option(names = "--e3", required = true, description = "E3's URL, e.g. https://localhost:8443")
    URI e3;

    @Option(names = "--token", required = true, description = "The onboarding token")
    String token;

    @Option(names = "--trust", required = true, description = "PEM file with the certificate(s) to trust for E3")
    Path trust;

    @Option(names = "--dir", defaultValue = "edp-agent",
            description = "Where to keep key, certificate and state (default ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws IOException {
        DeviceStore store = new DeviceStore(dir);
        if (store.exists()) {
            System.err.println(store.dir() + " already holds a device; use another --dir or delete it first.");
            return 1;
        }
        try (DeviceAgent agent = DeviceAgent.onboard(e3, E3Trust.fromPem(trust), token, store,
                AgentOptions.defaults())) {
            DeviceIdentity identity = agent.identity();
            System.out.println("Onboarded device " + identity.deviceId() + " (customer " + identity.customerId()
                    + "), certificate " + identity.serial() + " valid until " + identity.notAfter() + "; files in "
                    + store.dir());
            return 0;
        }
        catch (E3Exception ex) {
            System.err.println("Onboarding refused: " + ex.getMessage());
            return ex.kind() == E3Exception.Kind.RETRYABLE ? 1 : AgentCli.ONBOARDING_REFUSED;
        }
    }

}
