package dev.edp.agent.cli;

import java.nio.file.Path;

import dev.edp.agent.DeviceStore;
import picocli.CommandLine.Option;

/** {@code --dir} of the commands that work on an onboarded device. */
final class OnboardedDirectory {

    @Option(names = "--dir", defaultValue = "edp-agent",
            description = "The onboarded directory (default ${DEFAULT-VALUE})")
    Path dir;

    DeviceStore store() {
        return new DeviceStore(dir);
    }

}
