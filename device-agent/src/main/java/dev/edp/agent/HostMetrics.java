package dev.edp.agent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The figures of a heartbeat: uptime, CPU load, memory and two disks. */
public interface HostMetrics {

    /**
     * @param agentVersion the agent's version
     * @param running containers running
     * @param total containers deployed
     * @return a heartbeat body ({@code HeartbeatRequest} of monitoring)
     */
    Map<String, Object> heartbeat(String agentVersion, int running, int total);

    /**
     * @return the OS name and version
     */
    String osVersion();

    /**
     * The real figures of this machine: uptime from {@code /proc/uptime} (else the
     * JVM's), load from the {@code OperatingSystemMXBean}, memory from it too, disks via
     * {@link FileStore}.
     * @param systemDisk a path on the system partition
     * @param containerDisk a path on the partition containers live on
     * @return the metrics
     */
    static HostMetrics system(Path systemDisk, Path containerDisk) {
        return new HostMetrics() {
            @Override
            public Map<String, Object> heartbeat(String agentVersion, int running, int total) {
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double cpu = os.getCpuLoad();
                if (cpu < 0) {
                    cpu = Math.max(0, os.getSystemLoadAverage()) / os.getAvailableProcessors();
                }
                long memoryTotal = os.getTotalMemorySize();
                long memoryUsed = memoryTotal - os.getFreeMemorySize();
                return body(uptimeSeconds(), agentVersion, osVersion(), Math.min(100, Math.max(0, cpu * 100)),
                        usage(memoryUsed, memoryTotal), disk(systemDisk), disk(containerDisk), running, total);
            }

            @Override
            public String osVersion() {
                return System.getProperty("os.name") + " " + System.getProperty("os.version");
            }
        };
    }

    /**
     * Plausible figures for a simulated device (different per device, drifting a little).
     * @return the metrics
     */
    static HostMetrics simulated() {
        long bootedAt = System.currentTimeMillis() / 1000 - ThreadLocalRandom.current().nextLong(60, 86_400 * 30);
        long memoryTotal = 4L << 30;
        long diskTotal = 35L << 30;
        return new HostMetrics() {
            @Override
            public Map<String, Object> heartbeat(String agentVersion, int running, int total) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                return body(System.currentTimeMillis() / 1000 - bootedAt, agentVersion, osVersion(),
                        Math.round(random.nextDouble(2, 60) * 10) / 10.0,
                        usage((long) (memoryTotal * random.nextDouble(0.2, 0.7)), memoryTotal),
                        usage(3L << 30, 8L << 30), usage((long) (diskTotal * random.nextDouble(0.1, 0.4)), diskTotal),
                        running, total);
            }

            @Override
            public String osVersion() {
                return "EDP simulated device";
            }
        };
    }

    private static Map<String, Object> body(long uptime, String agentVersion, String osVersion, double cpu,
            Map<String, Object> memory, Map<String, Object> systemDisk, Map<String, Object> containerDisk, int running,
            int total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uptimeSeconds", uptime);
        body.put("agentVersion", agentVersion);
        body.put("osVersion", osVersion);
        body.put("cpuLoad", cpu);
        body.put("memory", memory);
        body.put("systemDisk", systemDisk);
        body.put("containerDisk", containerDisk);
        body.put("containers", Map.of("running", Math.min(running, total), "total", total));
        return body;
    }

    private static Map<String, Object> usage(long used, long total) {
        return Map.of("usedBytes", Math.max(0, Math.min(used, total)), "totalBytes", Math.max(0, total));
    }

    private static Map<String, Object> disk(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            return usage(total - store.getUnallocatedSpace(), total);
        }
        catch (IOException ex) {
            return usage(0, 0);
        }
    }

    private static long uptimeSeconds() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            return (long) Double.parseDouble(uptime);
        }
        catch (IOException | RuntimeException ex) {
            return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        }
    }

}
