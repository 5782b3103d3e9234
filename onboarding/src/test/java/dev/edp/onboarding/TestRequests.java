package dev.edp.onboarding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.test.service.ServiceSmokeChecks;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests several tests send to the running service the same way. */
public final class TestRequests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestRequests() {
    }

    /**
     * A GET whose body is binary (a CRL).
     * @param url the full URL
     * @param headers the request headers
     * @return the answer
     */
    public static HttpResponse<byte[]> getBytes(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Creates an onboarding token (asserting 201) and enrolls a new key with it.
     * @param baseUrl the service
     * @param operator an operator's bearer token of the customer
     * @return the enrollment's answer
     */
    public static HttpResponse<String> enrollNewDevice(String baseUrl, String operator) {
        HttpResponse<String> token = ServiceSmokeChecks.send("POST", baseUrl + "/api/onboarding/v1/tokens",
                "application/json", "{}", operator);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        return ServiceSmokeChecks.send("POST", baseUrl + "/onboarding/api/v1/enrollments", "application/json",
                "{\"token\":\"" + JsonPath.read(token.body(), "$.token") + "\",\"csr\":\""
                        + DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "") + "\"}");
    }

}
