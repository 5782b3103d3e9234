package dev.edp.agent;

import java.util.List;
import java.util.Map;

/**
 * One container the desired state asks for.
 *
 * @param name its name on the device (the application's name)
 * @param image image reference ({@code repo:tag} or {@code repo@sha256:...})
 * @param ports {@code host:container[/proto]} mappings
 * @param env environment variables
 * @param restartPolicy restart policy, if given
 */
public record ContainerSpec(String name, String image, List<String> ports, Map<String, String> env,
        String restartPolicy) {

    public ContainerSpec {
        ports = ports == null ? List.of() : List.copyOf(ports);
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
