package dev.edp.systemtest;

import java.net.http.HttpResponse;

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
