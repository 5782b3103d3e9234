package dev.edp.launcher;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LauncherSettingsTests {

    @Test
    void defaultsToEmbeddedPostgresOn5433AndSmallFastStartingJvms() {
        LauncherSettings settings = LauncherSettings.fromEnvironment(Map.of());

        assertThat(settings.externalDatabase()).isEmpty();
        assertThat(settings.postgresPort()).isEqualTo(5433);
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(settings.serviceJavaOptions()).contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
            .anyMatch(o -> o.startsWith("-Xmx"));
        assertThat(settings.bind()).isEqualTo(new LauncherSettings.BindAddresses("127.0.0.1", "0.0.0.0", "127.0.0.1"));
    }

    @Test
    void keycloakFollowsTheInternalAddressUnlessItsOwnIsGiven() {
        assertThat(LauncherSettings.fromEnvironment(Map.of("EDP_BIND_ADDRESS", "0.0.0.0")).bind().keycloak())
            .isEqualTo("0.0.0.0");
        assertThat(LauncherSettings.fromEnvironment(Map.of("EDP_KEYCLOAK_BIND_ADDRESS", "::")).bind())
            .isEqualTo(new LauncherSettings.BindAddresses("127.0.0.1", "0.0.0.0", "::"));
    }

    @Test
    void refusesBindAddressesTheLauncherCouldNotReachThroughLocalhost() {
        for (String address : new String[] { "192.168.1.5", "::1", "localhost", "not an address" }) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("EDP_BIND_ADDRESS", address)))
                .withMessageContaining("EDP_BIND_ADDRESS");
        }
        assertThatIllegalArgumentException()
            .isThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("EDP_PUBLIC_BIND_ADDRESS", "10.0.0.1")))
            .withMessageContaining("EDP_PUBLIC_BIND_ADDRESS");
    }

    @Test
    void environmentOverridesEverything() {
        LauncherSettings settings = LauncherSettings.fromEnvironment(Map.of("EDP_DB_URL",
                "jdbc:postgresql://db.example:5432/edp", "EDP_DB_USER", "alice", "EDP_DB_PASSWORD", "secret",
                "EDP_PG_PORT", "15432", "EDP_START_TIMEOUT", "30", "EDP_SERVICE_JAVA_OPTS", "  -Xmx1g   -XX:+UseZGC "));

        assertThat(settings.externalDatabase())
            .contains(new DatabaseCoordinates("jdbc:postgresql://db.example:5432/edp", "alice", "secret"));
        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.serviceJavaOptions()).isEqualTo(List.of("-Xmx1g", "-XX:+UseZGC"));
    }

    @Test
    void aBlankDatabaseUrlMeansEmbedded() {
        assertThat(LauncherSettings.fromEnvironment(Map.of("EDP_DB_URL", " ")).externalDatabase()).isEmpty();
    }

    @Test
    void rejectsANonNumericTimeoutNamingTheVariable() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("EDP_START_TIMEOUT", "3m")))
            .withMessageContaining("EDP_START_TIMEOUT");
    }

}
