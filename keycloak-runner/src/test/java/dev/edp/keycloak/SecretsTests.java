package dev.edp.keycloak;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTests {

    @Test
    void passwordsAreLongPrintableAndMixed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String password = Secrets.generatePassword();
            assertThat(password).hasSize(24)
                .matches("[\\x21-\\x7e]+")
                .containsPattern("[a-z]")
                .containsPattern("[A-Z]")
                .containsPattern("[0-9]")
                .containsPattern("[^A-Za-z0-9]");
            seen.add(password);
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void clientSecretsCarry256BitsUrlSafe() {
        assertThat(Secrets.generateClientSecret()).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

}
