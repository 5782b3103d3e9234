package dev.edp.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary printed once everything is up, and kept in {@code .edp/run/ready} for
 * {@code ./edp up --detach}.
 */
final class StatusTable {

    private StatusTable() {
    }

    static String render(List<Platform.RunningService> services, Database database, IdentityProvider identity,
            RegistryCredentials registryLogin, Workspace workspace, LauncherSettings settings, Duration startTime) {
        int portOffset = settings.portOffset();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "SERVICE", "URL", "HEALTH", "PID" });
        for (Platform.RunningService service : services) {
            rows.add(new String[] { service.spec().name(), service.spec().url().toString(),
                    service.spec().healthUrl().toString(), Long.toString(service.pid()) });
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "EDP is up (started in %.1f s).%n%n", startTime.toMillis() / 1000.0));
        text.append(columns(rows));
        text.append(System.lineSeparator());
        String registry = "http://localhost:" + ServiceSpec.REGISTRY.shifted(portOffset).port();
        String gateway = "http://localhost:" + ServiceSpec.gateway().shifted(portOffset).port();
        List<String[]> links = List.of(new String[] { "Portal and API", gateway + "  (portal-gateway)" },
                new String[] { "Log in as",
                        IdentityProvider.ADMIN_USERNAME + " / " + identity.adminPassword()
                                + "  (platform-admin; kept in " + workspace.secretsFile() + ")" },
                new String[] { "Who am I", gateway + "/api/me" },
                new String[] { "Keycloak",
                        identity.baseUrl() + "  (realm edp; admin console user kcadmin, see secrets file)" },
                new String[] { "API client example",
                        "edp-automation / " + identity.automationSecret() + "  (client credentials)" },
                new String[] { "Eureka dashboard",
                        registry + "/  (log in as " + RegistryCredentials.ADMIN_USERNAME + " / "
                                + registryLogin.adminPassword() + "; services use "
                                + RegistryCredentials.CLIENT_USERNAME + " / registry.password from the secrets file)" },
                new String[] { "Spring Boot Admin", registry + "/admin  (same login as the Eureka dashboard)" },
                new String[] { "E3 device endpoint",
                        "https://localhost:" + (8443 + portOffset)
                                + "  (mTLS; server certificate from the platform CA, trust "
                                + DeviceSimulation.e3ChainFile(workspace) + ")" },
                new String[] { "PostgreSQL", database.description() },
                new String[] { "Listening", listening(settings.bind()) },
                new String[] { "Logs", workspace.logsDir().toString() });
        text.append(columns(links));
        text.append(System.lineSeparator());
        text.append("Stop with Ctrl-C (or ./edp down when started with --detach).").append(System.lineSeparator());
        return text.toString();
    }

    private static String listening(LauncherSettings.BindAddresses bind) {
        String keycloak = bind.keycloak().equals(bind.internal()) ? "" : " (Keycloak on " + bind.keycloak() + ")";
        return "gateway and E3 on " + bind.publicFacing() + ", everything else on " + bind.internal() + keycloak
                + "  (EDP_PUBLIC_BIND_ADDRESS, EDP_BIND_ADDRESS, EDP_KEYCLOAK_BIND_ADDRESS)";
    }

    private static String columns(List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                line.append(i < row.length - 1 ? String.format("%-" + (widths[i] + 3) + "s", row[i]) : row[i]);
            }
            text.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }

}
