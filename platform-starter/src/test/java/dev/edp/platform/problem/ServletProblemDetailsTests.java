package dev.edp.platform.problem;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false", "spring.application.name=problem-test" })
class ServletProblemDetailsTests {

    @Value("${local.server.port}")
    int port;

    static final String TOKEN = TestJwtIssuer.token("olga", java.util.UUID.randomUUID(), "operator");

    static HttpResponse<String> send(String method, String url, String contentType, String body) {
        return ServiceSmokeChecks.send(method, url, contentType, body, TOKEN);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void unknownPathIsNotFoundProblem() {
        HttpResponse<String> response = send("GET", url("/nowhere"), null, null);
        assertProblem(response, 404, "NOT_FOUND");
        assertThat(JsonPath.<String>read(response.body(), "$.detail")).isEqualTo("No endpoint GET /nowhere.");
    }

    @Test
    void wrongMethodIsMethodNotAllowedProblem() {
        assertProblem(send("DELETE", url("/things"), null, null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void malformedJsonIsBadRequestProblem() {
        assertProblem(send("POST", url("/things"), "application/json", "{\"name\": "), 400, "MALFORMED_REQUEST_BODY");
    }

    @Test
    void wrongFieldTypeIsMalformedBodyProblem() {
        assertProblem(send("POST", url("/things"), "application/json", "{\"name\":\"a\",\"count\":\"many\"}"), 400,
                "MALFORMED_REQUEST_BODY");
    }

    @Test
    void unsupportedContentTypeIsProblem() {
        assertProblem(send("POST", url("/things"), "text/plain", "hello"), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void validationFailureListsTheOffendingFields() {
        HttpResponse<String> response = send("POST", url("/things"), "application/json",
                "{\"name\":\"\",\"count\":-1}");
        assertProblem(response, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<java.util.List<String>>read(response.body(), "$.errors[*].field"))
            .containsExactlyInAnyOrder("name", "count");
    }

    @Test
    void domainExceptionKeepsItsCodeAndDetail() {
        HttpResponse<String> response = send("GET", url("/expired"), null, null);
        assertProblem(response, 410, "TOKEN_EXPIRED");
        assertThat(JsonPath.<String>read(response.body(), "$.detail")).isEqualTo("Token was valid until yesterday");
    }

    @Test
    void unexpectedErrorIsGenericProblemWithoutInternals() {
        HttpResponse<String> response = send("GET", url("/boom"), null, null);
        assertProblem(response, 500, "INTERNAL_ERROR");
        assertThat(response.body()).doesNotContain("secret-internal-message", "IllegalStateException");
    }

    /**
     * What Spring and the driver throw while PostgreSQL is down, frozen or overloaded:
     * each a 503 problem with Retry-After that names no class and repeats no message,
     * never a 500.
     */
    @ParameterizedTest
    @ValueSource(strings = { "pool-timeout", "no-transaction", "query-timeout", "shutdown", "lock-timeout",
            "connection-lost", "deadlock", "wrapped" })
    void databaseFaultIsServiceUnavailableWithRetryAfter(String fault) {
        HttpResponse<String> response = send("GET", url("/database/" + fault), null, null);
        assertProblem(response, 503, "DATABASE_UNAVAILABLE");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).doesNotContain("secret-internal-message", "Exception", "SQLState");
    }

    @Test
    void aDataErrorThatIsNotADatabaseFaultStaysAnInternalError() {
        HttpResponse<String> response = send("GET", url("/database/bad-row"), null, null);
        assertProblem(response, 500, "INTERNAL_ERROR");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void errorPathItselfAnswersProblemJson() {
        assertProblem(send("GET", url("/error"), null, null), 404, "NOT_FOUND");
    }

    @Test
    void errorThatNeverReachedMvcIsProblemJson() {
        // An illegal character in the path is refused by the servlet container before
        // Spring MVC sees the request; the container forwards to the error path.
        HttpResponse<String> response = send("GET", url("/things/%2e%2e/%00"), null, null);
        assertThat(response.statusCode()).isBetween(400, 404);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    record Thing(@NotBlank String name, @Min(0) int count) {
    }

    @RestController
    static class ThingController {

        @PostMapping("/things")
        Thing create(@Valid @RequestBody Thing thing) {
            return thing;
        }

        @GetMapping("/things")
        String list() {
            return "[]";
        }

        @GetMapping("/expired")
        String expired() {
            throw new EdpException(HttpStatus.GONE, "TOKEN_EXPIRED", "Onboarding token expired",
                    "Token was valid until yesterday");
        }

        @GetMapping("/boom")
        String boom() {
            throw new IllegalStateException("secret-internal-message");
        }

        @GetMapping("/database/{fault}")
        String database(@PathVariable String fault) {
            throw switch (fault) {
                // Hikari after connection-timeout, as Spring's DataSourceUtils and the
                // transaction manager wrap it.
                case "pool-timeout" -> new CannotGetJdbcConnectionException("secret-internal-message",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
                case "no-transaction" -> new CannotCreateTransactionException("secret-internal-message",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
                case "query-timeout" -> new QueryTimeoutException("secret-internal-message");
                case "shutdown" -> new UncategorizedSQLException("select", "select 1",
                        new SQLException("terminating connection due to administrator command", "57P01"));
                case "lock-timeout" -> new CannotAcquireLockException("secret-internal-message");
                case "connection-lost" -> new DataAccessResourceFailureException("secret-internal-message",
                        new SQLException("An I/O error occurred while sending to the backend.", "08006"));
                case "deadlock" ->
                    new UncategorizedSQLException("update", "update t", new SQLException("deadlock detected", "40P01"));
                case "wrapped" -> new IllegalStateException("secret-internal-message",
                        new SQLException("Connection refused", "08001"));
                case "bad-row" -> new DataIntegrityViolationException("secret-internal-message",
                        new SQLException("value too long", "22001"));
                default -> new IllegalArgumentException(fault);
            };
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ThingController.class)
    static class App {

    }

}
