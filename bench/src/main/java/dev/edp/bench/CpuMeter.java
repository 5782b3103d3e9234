package dev.edp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU time the server-side processes spent during a measured window (user + system, all
 * threads and child processes, from the operating system: {@link ProcessHandle.Info}
 * reads {@code /proc} on Linux). Divided by the window's successful requests it gives
 * each process's CPU per request, which shows which process a request's cost lies in. On
 * a busy machine it grows too (seen: E3's CPU per no-op request doubled at a load average
 * of 30 on two cores, the JIT compiling later and the caches shared), so runs are
 * compared on an idle machine.
 */
final class CpuMeter {

    private final Map<String, Supplier<Stream<ProcessHandle>>> processes;

    /**
     * @param processes by name, each looked up again at every reading (PostgreSQL's
     * backends come and go)
     */
    CpuMeter(Map<String, Supplier<Stream<ProcessHandle>>> processes) {
        this.processes = new LinkedHashMap<>(processes);
    }

    /**
     * The platform's services (the launcher's {@code run/<name>.pid} files) and its
     * PostgreSQL (the postmaster of {@code data/postgres} and its backends), plus
     * {@code others}.
     * @param stateDir the launcher's state directory
     * @param others further processes by name (e.g. nginx)
     */
    static CpuMeter platform(Path stateDir, Map<String, Supplier<Stream<ProcessHandle>>> others) {
        Map<String, Supplier<Stream<ProcessHandle>>> processes = new TreeMap<>();
        try (Stream<Path> files = Files.list(stateDir.resolve("run"))) {
            files.filter(file -> file.getFileName().toString().endsWith(".pid")).forEach(file -> {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                if (!name.equals("launcher")) {
                    processes.put(name, () -> withDescendants(pid(file)));
                }
            });
        }
        catch (IOException unreadable) {
            // an attached platform without a run directory: only the others are measured
        }
        Path postmaster = stateDir.resolve("data/postgres/postmaster.pid");
        if (Files.isRegularFile(postmaster)) {
            processes.put("postgres", () -> withDescendants(pid(postmaster)));
        }
        processes.putAll(others);
        return new CpuMeter(processes);
    }

    /** A process and everything it started, while they run. */
    static Stream<ProcessHandle> withDescendants(Optional<ProcessHandle> process) {
        return process.stream().flatMap(handle -> Stream.concat(Stream.of(handle), handle.descendants()));
    }

    private static Optional<ProcessHandle> pid(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        }
        catch (IOException | NumberFormatException unreadable) {
            return Optional.empty();
        }
    }

    /** CPU time so far, by name. */
    Map<String, Long> read() {
        Map<String, Long> nanos = new LinkedHashMap<>();
        processes.forEach((name, handles) -> nanos.put(name,
                handles.get()
                    .mapToLong(handle -> handle.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                    .sum()));
        return nanos;
    }

    /**
     * CPU per successful request between two readings, in microseconds, by name, leaving
     * out processes that spent less than 1 % of the window's total.
     * @param before the reading at the window's start
     * @param after the reading at its end
     * @param requests successful requests in the window
     */
    static Map<String, Double> perRequest(Map<String, Long> before, Map<String, Long> after, long requests) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.forEach((name, nanos) -> spent.put(name, Math.max(0, nanos - before.getOrDefault(name, nanos))));
        long total = spent.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> micros = new LinkedHashMap<>();
        spent.entrySet()
            .stream()
            .filter(entry -> requests > 0 && entry.getValue() * 100 >= total && entry.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(entry -> micros.put(entry.getKey(), entry.getValue() / 1e3 / requests));
        return micros;
    }

    /** {@code e3-proxy 812, monitoring 1630, postgres 41 (total 2483)}, µs. */
    static String text(Map<String, Double> micros) {
        if (micros.isEmpty()) {
            return "not measured";
        }
        StringBuilder text = new StringBuilder();
        micros.forEach((name, value) -> text.append(text.isEmpty() ? "" : ", ")
            .append(name)
            .append(' ')
            .append(String.format(Locale.ROOT, "%.0f", value)));
        return text.append(String.format(Locale.ROOT, " (total %.0f)", total(micros))).toString();
    }

    static double total(Map<String, Double> micros) {
        return micros.values().stream().mapToDouble(Double::doubleValue).sum();
    }

}
