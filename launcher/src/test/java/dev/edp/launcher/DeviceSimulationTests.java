package dev.edp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceSimulationTests {

    @TempDir
    Path root;

    @Test
    void simulatorTalksToTheLocalPlatformWithShiftedPortsAndPinsE3UntilAChainIsPublished() throws IOException {
        Workspace workspace = new Workspace(root);
        Path jar = root.resolve("edp-agent.jar");
        List<String> command = DeviceSimulation.command(workspace, 100, 7, jar);
        assertThat(String.join(" ", command)).contains("-jar " + jar + " simulate --devices 7")
            .contains("--e3 https://localhost:8543")
            .contains("--gateway http://localhost:8180")
            .contains("--token-url http://localhost:8280/realms/edp/protocol/openid-connect/token")
            .contains("--client-id edp-automation")
            .contains("--customer 5f0c6a8e-3b1d-4c7a-9e2f-8d4b6a1c0e37")
            .contains("--trust-presented-certificate")
            .doesNotContain("--client-secret");

        Path chain = DeviceSimulation.e3ChainFile(workspace);
        Files.createDirectories(chain.getParent());
        Files.writeString(chain, "-----BEGIN CERTIFICATE-----\n");
        assertThat(DeviceSimulation.command(workspace, 0, 1, jar)).containsSequence("--trust", chain.toString())
            .doesNotContain("--trust-presented-certificate");
    }

    @Test
    void missingJarOrSecretIsReportedNotStarted() throws IOException {
        Workspace workspace = new Workspace(root);
        assertThatThrownBy(() -> DeviceSimulation.start(workspace, 0, 1)).isInstanceOf(IOException.class)
            .hasMessageContaining("edp-agent.jar");
        Path jar = root.resolve("device-agent/target/edp-agent.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "");
        Files.createDirectories(workspace.edpDir());
        Files.writeString(workspace.secretsFile(), "other=1\n");
        assertThatThrownBy(() -> DeviceSimulation.start(workspace, 0, 1)).isInstanceOf(IOException.class)
            .hasMessageContaining("client.edp-automation.secret");
    }

}
