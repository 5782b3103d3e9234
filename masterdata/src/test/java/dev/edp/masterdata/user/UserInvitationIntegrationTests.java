package dev.edp.masterdata.user;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.LocalPorts;
import dev.edp.test.service.EdpServiceTest;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.test.context.TestPropertySource;

import static dev.edp.masterdata.Api.read;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e-mail invitation ({@code edp.keycloak.invite-by-email=true}) against the real
 * Keycloak (the one {@link UserManagementIntegrationTests} starts) whose realm sends mail
 * to a real SMTP server, GreenMail on a loopback port (started before and stopped after
 * each test).
 */
@EdpServiceTest
@TestPropertySource(properties = "edp.keycloak.invite-by-email=true")
class UserInvitationIntegrationTests extends KeycloakUserTests {

    static final int SMTP_PORT = LocalPorts.unused();

    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(
            new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @BeforeEach
    void setUp() {
        customer = api.createCustomer("Invited users");
        // The realm's SMTP server, as an operator sets it in the admin console (Realm
        // settings, Email).
        new UserManagementIntegrationTests.AdminApi().send(
                "PUT", "", Map
                    .of("smtpServer",
                            Map.of("host", "127.0.0.1", "port", String.valueOf(SMTP_PORT), "from", "edp@example.test",
                                    "fromDisplayName", "EDP", "auth", "false", "ssl", "false", "starttls", "false")),
                204);
    }

    @Test
    void invitedUserGetsKeycloaksUpdatePasswordLinkByMailAndTheResponseHoldsNoPassword() throws Exception {
        String username = username("invited");
        HttpResponse<String> created = createUser(username);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(read(created, "$.invitation").toString()).isEqualTo("EMAIL");
        assertThat(JsonPath.<Map<String, Object>>read(created.body(), "$").get("oneTimePassword")).isNull();
        String userId = read(created, "$.user.id");
        assertThat((Boolean) read(created, "$.user.enabled")).isTrue();

        assertThat(mail.waitForIncomingEmail(15_000, 1)).as("an e-mail arrived").isTrue();
        MimeMessage[] messages = mail.getReceivedMessages();
        assertThat(messages).hasSize(1);
        assertThat(Arrays.stream(messages[0].getRecipients(Message.RecipientType.TO)).map(Object::toString))
            .containsExactly(username + "@example.com");
        assertThat(text(messages[0])).contains("/realms/" + EdpRealm.NAME + "/login-actions/action-token?key=");

        try (KeycloakAdmin admin = UserManagementIntegrationTests.keycloak.admin()) {
            Map<String, Object> user = admin.findUser(EdpRealm.NAME, username).orElseThrow();
            assertThat(user).containsEntry("id", userId).containsEntry("enabled", true);
        }
        HttpResponse<String> read = api.get("/customers/" + customer + "/users/" + userId, customerAdminToken());
        assertThat(read(read, "$.role").toString()).isEqualTo("operator");
        assertThat(auditActions()).containsExactly("USER_CREATED", "CUSTOMER_CREATED");
    }

    @Test
    void whenTheMailCannotBeSentTheUserIsNotCreated() {
        mail.stop();
        String username = username("unsent");

        assertProblem(createUser(username), 503, "INVITATION_NOT_SENT");

        try (KeycloakAdmin admin = UserManagementIntegrationTests.keycloak.admin()) {
            assertThat(admin.findUser(EdpRealm.NAME, username)).as("no half-created user is left").isEmpty();
        }
        assertThat(auditActions()).containsExactly("CUSTOMER_CREATED");
        // The username is free again: once mail works, the same invitation succeeds.
        mail.start();
        assertThat(createUser(username).statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> createUser(String username) {
        return api.post("/customers/" + customer + "/users", customerAdminToken(), """
                {"username":"%s","email":"%s@example.com","firstName":"Invited","lastName":"User","role":"operator"}"""
            .formatted(username, username));
    }

    /** The decoded text of every part (Keycloak sends plain text and HTML). */
    private static String text(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof String value) {
            return value;
        }
        StringBuilder text = new StringBuilder();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                text.append(text(multipart.getBodyPart(i))).append('\n');
            }
        }
        return text.toString();
    }

}
