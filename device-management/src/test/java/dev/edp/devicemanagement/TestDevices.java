package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.edp.test.device.TestE3;
import dev.edp.test.service.ServiceSmokeChecks;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Plays E3 for device requests ({@link TestE3}, one per test JVM): device credentials
 * signed with its key and request proofs bound to each request, as E3 makes them.
 */
public final class TestDevices {

    private static final TestE3 E3 = TestE3.shared();

    private TestDevices() {
    }

    /**
     * @return the properties that point a service at the stand-in's keys
     */
    static Map<String, Object> properties() {
        return Map.copyOf(E3.properties());
    }

    /**
     * @param device the device
     * @param customer its customer
     * @param method the request method
     * @param path the request path
     * @param rawQuery the request's raw query string, or null
     * @return the headers E3 adds to that request: the device's credential and the
     * request's proof
     */
    public static Map<String, String> headers(UUID device, UUID customer, String method, String path, String rawQuery) {
        return E3.deviceHeaders(TestE3.Device.of(device, customer), "device-management", method, path, rawQuery);
    }

    /**
     * GET of the desired state as the device, through "E3".
     * @param baseUrl the service's base URL
     * @param device the device
     * @param customer its customer
     * @param ifNoneMatch the ETag it has, or null
     * @param waitSeconds long-poll seconds, or 0 for no {@code wait} parameter
     * @return the response
     */
    public static HttpResponse<String> desiredState(String baseUrl, UUID device, UUID customer, String ifNoneMatch,
            int waitSeconds) {
        String path = "/devices/api/v1/device/desired-state";
        String query = waitSeconds != 0 ? "wait=" + waitSeconds : null;
        Map<String, String> headers = new HashMap<>(headers(device, customer, "GET", path, query));
        if (ifNoneMatch != null) {
            headers.put("If-None-Match", ifNoneMatch);
        }
        return ServiceSmokeChecks.send("GET", baseUrl + path + (query != null ? "?" + query : ""), null, null, null,
                headers);
    }

    /**
     * POST of the device's reported state, through "E3".
     * @param baseUrl the service's base URL
     * @param device the device
     * @param customer its customer
     * @param json the report
     * @return the response
     */
    public static HttpResponse<String> reportState(String baseUrl, UUID device, UUID customer, String json) {
        String path = "/devices/api/v1/device/reported-state";
        return ServiceSmokeChecks.send("POST", baseUrl + path, "application/json", json, null,
                headers(device, customer, "POST", path, null));
    }

    /**
     * Inserts active TESTING devices of one customer straight into the table, for tests
     * that need a fleet faster than the API enrolls one: device n (1 to count) is named
     * {@code prefix-n} and is ONLINE when n is a multiple of {@code onlineEvery}, else
     * OFFLINE.
     * @param jdbc device-management's database
     * @param customer the customer
     * @param namePrefix the names' prefix
     * @param count how many
     * @param onlineEvery 1 for every device ONLINE, 3 for every third
     */
    public static void insertFleet(JdbcClient jdbc, UUID customer, String namePrefix, int count, int onlineEvery) {
        jdbc.sql("""
                INSERT INTO device (id, customer_id, name, environment, labels, lifecycle, connectivity, version,
                                    created_at, created_by, updated_at, updated_by)
                SELECT gen_random_uuid(), :customer, :prefix || '-' || n, 'TESTING', '{}'::jsonb, 'ACTIVE',
                       CASE WHEN n % :onlineEvery = 0 THEN 'ONLINE' ELSE 'OFFLINE' END, 1, now(), 'test', now(), 'test'
                FROM generate_series(1, :count) AS n
                """)
            .param("customer", customer)
            .param("prefix", namePrefix)
            .param("count", count)
            .param("onlineEvery", onlineEvery)
            .update();
    }

}
