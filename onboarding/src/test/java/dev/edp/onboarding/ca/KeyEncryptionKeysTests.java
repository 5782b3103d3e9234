package dev.edp.onboarding.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KeyEncryptionKeysTests {

    @TempDir
    Path dir;

    static PkiProperties properties(String kek, boolean devGenerate, Path devFile) {
        return new PkiProperties(null, kek, devGenerate, devFile, null, null, null, null, null, null, null);
    }

    @Test
    void refusesToStartWithoutAKek() {
        assertThatIllegalStateException().isThrownBy(() -> KeyEncryptionKeys.protector(properties(null, false, null)))
            .withMessageContaining("EDP_PKI_KEK")
            .withMessageContaining("kek-dev-generate");
        assertThatIllegalStateException().isThrownBy(() -> KeyEncryptionKeys.protector(properties(" ", false, null)))
            .withMessageContaining("No CA key-encryption key");
    }

    @Test
    void refusesAKekThatIsNotBase64Of32Bytes() {
        assertThatIllegalStateException()
            .isThrownBy(() -> KeyEncryptionKeys.protector(properties("not base64!", false, null)))
            .withMessageContaining("openssl rand -base64 32");
        assertThatIllegalStateException().isThrownBy(() -> KeyEncryptionKeys.protector(properties("AAAA", false, null)))
            .withMessageContaining("32 bytes");
    }

    @Test
    void developmentKekIsGeneratedOnceIntoAnOwnerOnlyFileAndReused() throws Exception {
        Path file = dir.resolve("sub/dev.kek");
        var first = KeyEncryptionKeys.protector(properties(null, true, file));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        var second = KeyEncryptionKeys.protector(properties(null, true, file));
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        assertThat(second.decrypt(first.encrypt(key, "ctx"), "ctx")).isEqualTo(key.getEncoded());
    }

    @Test
    void aConfiguredKekWinsOverDevelopmentGeneration() {
        Path file = dir.resolve("unused.kek");
        KeyEncryptionKeys.protector(properties("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", true, file));
        assertThat(file).doesNotExist();
    }

    @Test
    void anUnknownProviderStopsTheStartNamingTheOnesThatExist() {
        PkiProperties hsm = new PkiProperties("hsm", null, true, null, null, null, null, null, null, null, null);
        assertThatIllegalStateException().isThrownBy(() -> new CaConfiguration().certificateAuthority(hsm, null, null))
            .withMessageContaining("use 'embedded' or 'vault'");
    }

}
