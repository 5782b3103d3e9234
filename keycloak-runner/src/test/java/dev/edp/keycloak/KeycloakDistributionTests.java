package dev.edp.keycloak;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KeycloakDistributionTests {

    @TempDir
    Path temp;

    @Test
    void unpacksIntoAVersionedHomeAndMakesScriptsExecutable() throws IOException {
        Path zip = zip(Map.of("keycloak-9.9.9/bin/kc.sh", "#!/bin/sh", "keycloak-9.9.9/conf/keycloak.conf", ""));

        Path home = KeycloakDistribution.of(zip, "9.9.9").unpack(this.temp.resolve("work"));

        assertThat(home).isEqualTo(this.temp.resolve("work/keycloak-9.9.9"));
        assertThat(home.resolve("bin/kc.sh")).isExecutable();
        assertThat(home.resolve("conf/keycloak.conf")).exists();
        assertThat(home.resolve(KeycloakDistribution.MARKER)).content().isEqualToIgnoringNewLines("9.9.9");
    }

    @Test
    void keepsAFinishedUnpackAndItsData() throws IOException {
        Path zip = zip(Map.of("keycloak-9.9.9/bin/kc.sh", "#!/bin/sh"));
        KeycloakDistribution distribution = KeycloakDistribution.of(zip, "9.9.9");
        Path home = distribution.unpack(this.temp);
        Files.createDirectories(home.resolve("data/h2"));
        Files.writeString(home.resolve("data/h2/keycloakdb.mv.db"), "realm data");

        distribution.unpack(this.temp);

        assertThat(home.resolve("data/h2/keycloakdb.mv.db")).hasContent("realm data");
    }

    @Test
    void redoesAnInterruptedUnpack() throws IOException {
        Path zip = zip(Map.of("keycloak-9.9.9/bin/kc.sh", "#!/bin/sh"));
        Path half = Files.createDirectories(this.temp.resolve("keycloak-9.9.9/lib"));
        Files.writeString(half.resolve("truncated.jar"), "");

        Path home = KeycloakDistribution.of(zip, "9.9.9").unpack(this.temp);

        assertThat(home.resolve("lib")).doesNotExist();
        assertThat(home.resolve("bin/kc.sh")).isExecutable();
    }

    @Test
    void refusesAZipWithoutThatVersionsServer() throws IOException {
        Path zip = zip(Map.of("keycloak-1.0.0/bin/kc.sh", "#!/bin/sh"));

        assertThatIllegalStateException().isThrownBy(() -> KeycloakDistribution.of(zip, "9.9.9").unpack(this.temp))
            .withMessageContaining("keycloak-9.9.9/bin/kc.sh");
    }

    @Test
    void refusesEntriesThatPointOutsideTheWorkDir() throws IOException {
        Path zip = zip(Map.of("../escaped.sh", "#!/bin/sh"));

        assertThatExceptionOfType(UncheckedIOException.class)
            .isThrownBy(() -> KeycloakDistribution.of(zip, "9.9.9").unpack(this.temp.resolve("work")));
        assertThat(this.temp.resolve("escaped.sh")).doesNotExist();
    }

    @Test
    void locatesTheDistributionTheBuildResolved() {
        KeycloakDistribution distribution = KeycloakDistribution.locate();

        assertThat(distribution.version()).isEqualTo(KeycloakDistribution.builtWithVersion()).startsWith("26.");
        assertThat(distribution.zip()).isRegularFile()
            .hasFileName("keycloak-quarkus-dist-" + distribution.version() + ".zip");
    }

    private Path zip(Map<String, String> entries) throws IOException {
        Path zip = this.temp.resolve("dist.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zipOut.putNextEntry(new ZipEntry(entry.getKey()));
                zipOut.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zipOut.closeEntry();
            }
        }
        return zip;
    }

}
