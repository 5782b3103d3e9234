package dev.edp.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RealmFileTests {

    @Test
    void edpRealmTakesEveryClientSecretFromTheEnvironment() throws IOException {
        RealmFile realm = RealmFile.parse(edpRealmJson(), EdpRealm.RESOURCE);

        assertThat(realm.name()).isEqualTo(EdpRealm.NAME);
        assertThat(realm.placeholders()).containsExactlyInAnyOrder("EDP_PORTAL_CLIENT_SECRET",
                "EDP_AUTOMATION_CLIENT_SECRET", "EDP_MASTERDATA_CLIENT_SECRET", "EDP_SERVICES_CLIENT_SECRET");
        assertThat(realm.secretPlaceholders()).containsOnly(
                Map.entry(new RealmFile.Client("edp", "edp-portal"), EdpRealm.secretVariable("edp-portal")),
                Map.entry(new RealmFile.Client("edp", "edp-automation"), EdpRealm.secretVariable("edp-automation")),
                Map.entry(new RealmFile.Client("edp", "edp-masterdata"), EdpRealm.secretVariable("edp-masterdata")),
                Map.entry(new RealmFile.Client("edp", "edp-services"), EdpRealm.secretVariable("edp-services")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void edpPortalIsCodeFlowWithPkceOnlyAndAutomationIsClientCredentialsOnly() throws IOException {
        Map<String, Object> realm = Http.object(edpRealmJson());
        List<Map<String, Object>> clients = (List<Map<String, Object>>) realm.get("clients");
        Map<String, Object> portal = clients.stream()
            .filter((c) -> "edp-portal".equals(c.get("clientId")))
            .findFirst()
            .orElseThrow();
        Map<String, Object> automation = clients.stream()
            .filter((c) -> "edp-automation".equals(c.get("clientId")))
            .findFirst()
            .orElseThrow();

        assertThat(portal).containsEntry("standardFlowEnabled", true)
            .containsEntry("directAccessGrantsEnabled", false)
            .containsEntry("implicitFlowEnabled", false)
            .containsEntry("serviceAccountsEnabled", false)
            .containsEntry("publicClient", false);
        assertThat((Map<String, Object>) portal.get("attributes")).containsEntry("pkce.code.challenge.method", "S256");
        assertThat(automation).containsEntry("standardFlowEnabled", false)
            .containsEntry("directAccessGrantsEnabled", false)
            .containsEntry("serviceAccountsEnabled", true);
        assertThat(realm).containsEntry("registrationAllowed", false).containsEntry("bruteForceProtected", true);
    }

    @Test
    void lowerCaseMessageKeysAreNotEnvironmentPlaceholders() {
        RealmFile realm = RealmFile.parse("""
                {"realm": "other", "displayName": "${username} ${MY_VAR} ${WITH_DEFAULT:x}"}
                """, "inline");

        assertThat(realm.placeholders()).containsExactly("MY_VAR");
    }

    @Test
    void refusesARealmWithoutALiteralName() {
        assertThatIllegalArgumentException().isThrownBy(() -> RealmFile.parse("{\"realm\": \"${NAME}\"}", "inline"));
    }

    private static String edpRealmJson() throws IOException {
        try (InputStream in = EdpRealm.class.getResourceAsStream(EdpRealm.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
