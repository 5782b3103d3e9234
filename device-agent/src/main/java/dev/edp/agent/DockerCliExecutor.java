package dev.edp.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the desired containers with the {@code docker} CLI: each as {@code edp-<name>}
 * with the label {@code dev.edp.agent=1}, so containers the agent did not create are
 * never touched. Thin: no volumes, no image pull progress; a container whose run fails is
 * {@code reconciliation failed}.
 */
public final class DockerCliExecutor implements ContainerExecutor {

    private static final String LABEL = "dev.edp.agent=1";

    private static final String PREFIX = "edp-";

    private final Map<String, ContainerStatus> failures = new HashMap<>();

    private final Map<String, ContainerSpec> applied = new HashMap<>();

    private volatile Runnable listener = () -> {
    };

    /**
     * @return whether {@code docker version} works on this machine (CLI present and
     * engine reachable)
     */
    public static boolean available() {
        try {
            return run(List.of("docker", "version", "--format", "{{.Server.Version}}")).exit == 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    @Override
    public void apply(List<ContainerSpec> desired) {
        Thread.ofVirtual().name("docker-apply").start(() -> reconcile(desired));
    }

    private synchronized void reconcile(List<ContainerSpec> desired) {
        Set<String> wanted = desired.stream().map(ContainerSpec::name).collect(Collectors.toSet());
        for (String name : running().keySet()) {
            if (!wanted.contains(name)) {
                quietly(List.of("docker", "rm", "-f", PREFIX + name));
                applied.remove(name);
            }
        }
        failures.keySet().retainAll(wanted);
        listener.run();
        for (ContainerSpec spec : desired) {
            if (spec.equals(applied.get(spec.name())) && running().containsKey(spec.name())) {
                continue;
            }
            quietly(List.of("docker", "rm", "-f", PREFIX + spec.name()));
            List<String> command = new ArrayList<>(
                    List.of("docker", "run", "-d", "--name", PREFIX + spec.name(), "--label", LABEL));
            if (spec.restartPolicy() != null && !spec.restartPolicy().isBlank()) {
                command.addAll(List.of("--restart", spec.restartPolicy()));
            }
            spec.ports().forEach(port -> command.addAll(List.of("-p", port)));
            spec.env().forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
            command.add(spec.image());
            try {
                Result result = run(command);
                if (result.exit != 0) {
                    failures.put(spec.name(), new ContainerStatus(spec.name(), spec.image(), ContainerStatus.FAILED,
                            truncate(result.output)));
                }
                else {
                    failures.remove(spec.name());
                    applied.put(spec.name(), spec);
                }
            }
            catch (IOException ex) {
                failures.put(spec.name(), new ContainerStatus(spec.name(), spec.image(), ContainerStatus.FAILED,
                        truncate(ex.getMessage())));
            }
            listener.run();
        }
    }

    @Override
    public synchronized List<ContainerStatus> status() {
        List<ContainerStatus> result = new ArrayList<>(running().values());
        failures.values()
            .stream()
            .filter(f -> result.stream().noneMatch(r -> r.name().equals(f.name())))
            .forEach(result::add);
        return result;
    }

    private Map<String, ContainerStatus> running() {
        Map<String, ContainerStatus> found = new HashMap<>();
        try {
            Result result = run(List.of("docker", "ps", "-a", "--filter", "label=" + LABEL, "--format",
                    "{{.Names}}\t{{.Image}}\t{{.State}}"));
            for (String line : result.output.split("\n")) {
                String[] parts = line.split("\t");
                if (parts.length == 3 && parts[0].startsWith(PREFIX)) {
                    String name = parts[0].substring(PREFIX.length());
                    String state = switch (parts[2]) {
                        case "running" -> ContainerStatus.READY;
                        case "created", "restarting" -> ContainerStatus.RECONCILING;
                        case "removing" -> ContainerStatus.DELETING;
                        default -> "not ready";
                    };
                    found.put(name, new ContainerStatus(name, parts[1], state, parts[2]));
                }
            }
        }
        catch (IOException ex) {
            // docker went away: report nothing rather than stale states
        }
        return found;
    }

    @Override
    public void onChange(Runnable listener) {
        this.listener = listener;
    }

    private record Result(int exit, String output) {
    }

    private static void quietly(List<String> command) {
        try {
            run(command);
        }
        catch (IOException ex) {
            // best effort
        }
    }

    private static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), output);
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    private static String truncate(String text) {
        return text == null ? null : text.length() > 900 ? text.substring(0, 900) : text;
    }

}
