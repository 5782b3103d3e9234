package dev.edp.e3;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.openapi.DeviceApi;
import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.Test;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.noCertificate;
import static dev.edp.e3.E3IntegrationTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device API document E3 publishes says what E3 really does: it is served without a
 * certificate, every operation in it reaches the service it names through E3's routes,
 * and the operations it lists without a certificate requirement pass E3 without one.
 */
class E3DeviceApiDocumentIntegrationTests extends AbstractE3IntegrationTests {

    record Documented(String method, String path, String service, boolean certificate) {
    }

    final HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));

    @Test
    void documentIsServedWithoutACertificate() {
        HttpResponse<String> response = get(noCertificate(), url(DeviceApi.PATH));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(JsonPath.<String>read(response.body(), "$.openapi")).isEqualTo("3.1.0");
        assertThat(response.body()).isEqualTo(new String(DeviceApi.json(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void everyDocumentedOperationReachesTheServiceItNames() {
        List<Documented> operations = operations();
        assertThat(operations).as("device operations of onboarding, monitoring and device-management")
            .hasSizeGreaterThanOrEqualTo(10)
            .extracting(Documented::service)
            .contains("onboarding", "monitoring", "device-management");
        for (Documented operation : operations) {
            StubBackend backend = backend(operation.service());
            String path = operation.path().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            int before = backend.calls(path);
            // As the document says: the certificate where it requires one, none where it
            // does not.
            HttpResponse<String> response = send(operation.certificate() ? device : noCertificate(), operation.method(),
                    url(path), "GET".equals(operation.method()) ? null : "{}", Map.of());
            assertThat(backend.calls(path)).as(operation + " answered " + response.statusCode() + " " + response.body())
                .isEqualTo(before + 1);
        }
    }

    @Test
    void operationsWithoutACertificateRequirementPassE3WithoutOne() {
        List<Documented> open = operations().stream().filter(operation -> !operation.certificate()).toList();
        assertThat(open).extracting(Documented::path)
            .contains("/onboarding/api/v1/enrollments", "/.well-known/est/simpleenroll", "/onboarding/health");
        for (Documented operation : open) {
            StubBackend backend = backend(operation.service());
            int before = backend.calls(operation.path());
            send(noCertificate(), operation.method(), url(operation.path()),
                    "GET".equals(operation.method()) ? null : "{}", Map.of());
            assertThat(backend.calls(operation.path())).as(operation.toString()).isEqualTo(before + 1);
        }
    }

    private StubBackend backend(String service) {
        return switch (service) {
            case "onboarding" -> onboarding;
            case "monitoring" -> monitoring;
            case "device-management" -> devices;
            default -> throw new AssertionError("unknown service " + service);
        };
    }

    private static List<Documented> operations() {
        String json = new String(DeviceApi.json(), java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Map<String, Object>> paths = JsonPath.read(json, "$.paths");
        List<Documented> operations = new ArrayList<>();
        paths.forEach((path, item) -> item.forEach((method, operation) -> {
            Map<String, Object> fields = cast(operation);
            operations.add(new Documented(method.toUpperCase(java.util.Locale.ROOT), path,
                    (String) fields.get("x-edp-service"),
                    String.valueOf(fields.get("security")).contains("mutualTLS")));
        }));
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }

}
