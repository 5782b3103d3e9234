package dev.edp.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class AugmentedBuildsTests {

    private static final String KEY = AugmentedBuilds.key("9.9.9", List.of("start-dev", "--db=postgres"), 25);

    @TempDir
    Path temp;

    @Test
    void aKeptBuildIsCopiedIntoAFreshHome() throws IOException {
        AugmentedBuilds builds = AugmentedBuilds.in(this.temp.resolve("builds"));
        Path augmented = home("augmented", "built for postgres");
        Path fresh = home("fresh", "as shipped");

        assertThat(builds.save(augmented, KEY)).isTrue();
        assertThat(builds.restore(fresh, KEY)).isTrue();

        assertThat(fresh.resolve("lib/quarkus/quarkus-application.dat")).hasContent("built for postgres");
        assertThat(fresh.resolve("lib/quarkus/generated-bytecode.jar")).hasContent("jar of built for postgres");
        assertThat(fresh.resolve("lib/lib/main/keycloak.jar")).as("the rest of the distribution is left alone")
            .hasContent("keycloak");
    }

    @Test
    void withoutAKeptBuildNothingIsCopied() throws IOException {
        AugmentedBuilds builds = AugmentedBuilds.in(this.temp.resolve("builds"));
        Path fresh = home("fresh", "as shipped");
        builds.save(home("other", "built for dev-file"),
                AugmentedBuilds.key("9.9.9", List.of("start-dev", "--db=dev-file"), 25));

        assertThat(builds.restore(fresh, KEY)).isFalse();

        assertThat(fresh.resolve("lib/quarkus/quarkus-application.dat")).hasContent("as shipped");
    }

    @Test
    void theFirstKeptBuildStaysAndAHomeHoldingItIsNotWrittenAgain() throws IOException {
        AugmentedBuilds builds = AugmentedBuilds.in(this.temp.resolve("builds"));
        Path first = home("first", "first build");
        builds.save(first, KEY);

        assertThat(builds.save(home("second", "second build"), KEY)).isFalse();

        Path fresh = home("fresh", "as shipped");
        assertThat(builds.restore(fresh, KEY)).isTrue();
        assertThat(fresh.resolve("lib/quarkus/quarkus-application.dat")).hasContent("first build");
        assertThat(builds.restore(first, KEY)).as("nothing to copy into a home that holds the build").isFalse();
        assertThat(this.temp.resolve("builds")).isDirectoryNotContaining("glob:**/.tmp-*");
    }

    @Test
    void anUnfinishedEntryIsNotRead() throws IOException {
        AugmentedBuilds builds = AugmentedBuilds.in(this.temp.resolve("builds"));
        Path half = Files.createDirectories(this.temp.resolve("builds").resolve(KEY));
        Files.writeString(half.resolve("quarkus-application.dat"), "trunc");
        Path fresh = home("fresh", "as shipped");

        assertThat(builds.restore(fresh, KEY)).isFalse();

        assertThat(fresh.resolve("lib/quarkus/quarkus-application.dat")).hasContent("as shipped");
    }

    @Test
    void aDirectoryThatCannotBeWrittenCostsOnlyTheBuild() throws IOException {
        Path notADirectory = Files.writeString(this.temp.resolve("file"), "");
        AugmentedBuilds builds = AugmentedBuilds.in(notADirectory);

        assertThat(builds.save(home("augmented", "built"), KEY)).isFalse();
        assertThat(builds.restore(home("fresh", "as shipped"), KEY)).isFalse();
    }

    @Test
    void theKeyTellsVersionsOptionsAndJdksApart() {
        List<String> postgres = List.of("start-dev", "--health-enabled=true", "--db=postgres");
        List<String> devFile = List.of("start-dev", "--health-enabled=true", "--db=dev-file");

        assertThat(List.of(AugmentedBuilds.key("26.4.5", postgres, 25), AugmentedBuilds.key("26.4.5", devFile, 25),
                AugmentedBuilds.key("26.4.6", postgres, 25), AugmentedBuilds.key("26.4.5", postgres, 21)))
            .doesNotHaveDuplicates()
            .allSatisfy((key) -> assertThat(key).matches("[A-Za-z0-9._=-]+"));
    }

    @Test
    void offSwitchesItOffAndADirectoryIsTakenAsGiven() {
        String before = System.getProperty(AugmentedBuilds.DIRECTORY_PROPERTY);
        try {
            System.setProperty(AugmentedBuilds.DIRECTORY_PROPERTY, "off");
            assertThat(AugmentedBuilds.locate()).isNull();
            System.setProperty(AugmentedBuilds.DIRECTORY_PROPERTY, this.temp.toString());
            assertThat(AugmentedBuilds.locate().directory()).isEqualTo(this.temp);
        }
        finally {
            if (before == null) {
                System.clearProperty(AugmentedBuilds.DIRECTORY_PROPERTY);
            }
            else {
                System.setProperty(AugmentedBuilds.DIRECTORY_PROPERTY, before);
            }
        }
    }

    private Path home(String name, String build) throws IOException {
        Path home = this.temp.resolve(name).resolve("keycloak-9.9.9");
        Path quarkus = Files.createDirectories(home.resolve("lib/quarkus"));
        Files.writeString(quarkus.resolve("quarkus-application.dat"), build);
        Files.writeString(quarkus.resolve("generated-bytecode.jar"), "jar of " + build);
        Files.writeString(Files.createDirectories(home.resolve("lib/lib/main")).resolve("keycloak.jar"), "keycloak");
        return home;
    }

}
