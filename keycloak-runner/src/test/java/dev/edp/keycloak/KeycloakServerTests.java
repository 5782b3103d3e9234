package dev.edp.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KeycloakServerTests {

    @Test
    void opensJavaLangOnlyFromJava24() {
        assertThat(KeycloakCommand.javaOptions(25)).isEqualTo("--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertThat(KeycloakCommand.javaOptions(21)).isEmpty();
    }

    @Test
    void refusesJdksOlderThan21() {
        assertThatIllegalStateException().isThrownBy(() -> KeycloakCommand.javaOptions(17))
            .withMessageContaining("JDK 21");
    }

    @Test
    void readsTheJavaVersionOfAnotherJdkFromItsReleaseFile(@TempDir Path jdk) throws IOException {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.5\"\n");
        assertThat(KeycloakCommand.javaFeatureVersion(jdk)).isEqualTo(21);

        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"1.8.0_442\"\n");
        assertThat(KeycloakCommand.javaFeatureVersion(jdk)).isEqualTo(8);
    }

    @Test
    void usesTheRunningJavaVersionForItsOwnHome() {
        assertThat(KeycloakCommand.javaFeatureVersion(Path.of(System.getProperty("java.home"))))
            .isEqualTo(Runtime.version().feature());
    }

    @Test
    void namesSecretVariablesAfterTheClient() {
        assertThat(EdpRealm.secretVariable("edp-portal")).isEqualTo("EDP_PORTAL_CLIENT_SECRET");
        assertThat(EdpRealm.secretVariable("edp-automation")).isEqualTo("EDP_AUTOMATION_CLIENT_SECRET");
    }

    @Test
    void listensWhereToldAndOnEveryInterfaceOnlyByDefault(@TempDir Path work) {
        KeycloakServer.Builder builder = KeycloakServer.builder(work);
        assertThat(KeycloakCommand.arguments(builder, 8180, 9180))
            .contains("--http-port=8180", "--http-management-port=9180")
            .noneMatch(
                    (argument) -> argument.startsWith("--http-host") || argument.startsWith("--http-management-host"));

        builder.httpHost("0.0.0.0").managementHost("127.0.0.1");
        assertThat(KeycloakCommand.arguments(builder, 8180, 9180)).contains("--http-host=0.0.0.0",
                "--http-management-host=127.0.0.1");
        assertThat(builder.build().managementHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void generatesAnAdminPasswordUnlessGiven(@TempDir Path work) {
        KeycloakServer server = KeycloakServer.builder(work).build();

        assertThat(server.adminUsername()).isEqualTo("admin");
        assertThat(server.adminPassword()).hasSize(24);
        assertThat(server.isRunning()).isFalse();
    }

}
