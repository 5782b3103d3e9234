package dev.edp.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/** API calls of the system tests, with the answer they must get. */
final class Calls {

    private Calls() {
    }

    /**
     * @param response an answer
     * @param status the status it must have
     * @return the answer
     */
    static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode())
            .as(response.request().method() + " " + response.uri() + ": " + response.body())
            .isEqualTo(status);
        return response;
    }

    /**
     * @param response the answer to a create
     * @return the id of what it created (it must be 201)
     */
    static String createdId(HttpResponse<String> response) {
        return JsonPath.read(expect(response, 201).body(), "$.id");
    }

    /**
     * Creates the application {@code line-monitor} of the system tests' releases.
     * @param devicesApi device-management's API through the gateway
     * ({@code …/api/devices/v1})
     * @param operator an operator's access token
     * @return its id
     */
    static String lineMonitor(String devicesApi, String operator) {
        return createdId(send("POST", devicesApi + "/applications", "application/json",
                "{\"name\":\"line-monitor\",\"imageRepository\":\"registry.example.com/acme/line-monitor\"}",
                operator));
    }

    /**
     * One request whose status is all that counts, for polls of readiness and reads.
     * @param http the client
     * @param url the URL
     * @param token an access token, or null
     * @return the status, or the name of the exception when there was no answer
     */
    static String status(HttpClient http, String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return Integer.toString(http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        catch (IOException ex) {
            return ex.getClass().getSimpleName();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * @param http the client
     * @param managementPort the service's management port (after the offset)
     * @param prefix the start of the sample lines to add up ({@code name{}) @param
     * containing what those lines must contain as well (a label), or "" @return the sum
     * of the service's Prometheus samples that match, 0 when it does not answer
     */
    static long metric(HttpClient http, int managementPort, String prefix, String containing) {
        try {
            HttpResponse<String> metrics = http
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return metrics.body()
                .lines()
                .filter(line -> line.startsWith(prefix) && line.contains(containing))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
        }
        catch (IOException ex) {
            return 0;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Creates a release of one container.
     * @param devicesApi device-management's API through the gateway
     * ({@code …/api/devices/v1})
     * @param operator an operator's access token
     * @param application the application's id
     * @param version the release's name and the container's tag
     * @return the release's id
     */
    static String release(String devicesApi, String operator, String application, String version) {
        return JsonPath.read(expect(send("POST", devicesApi + "/releases", "application/json", "{\"name\":\"" + version
                + "\",\"containers\":[{\"applicationId\":\"" + application + "\",\"tag\":\"" + version + "\"}]}",
                operator), 201)
            .body(), "$.id");
    }

}
