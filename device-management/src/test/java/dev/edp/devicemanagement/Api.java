package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceApi;
import dev.edp.test.service.ServiceSmokeChecks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the device-management API of the service under test over real HTTP, as a client
 * would.
 */
public final class Api extends ServiceApi {

    /**
     * @param checks the service's smoke checks, which know its port
     */
    public Api(ServiceSmokeChecks checks) {
        super(checks, "/api/devices/v1");
    }

    /**
     * Registers a pending device as an operator of the customer.
     * @param customer the customer
     * @param name device name
     * @return its id
     */
    public UUID registerDevice(UUID customer, String name) {
        HttpResponse<String> response = post("/devices", operator(customer), """
                {"name":"%s","labels":{"line":"3"}}""".formatted(name));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(read(response, "$.id"));
    }

    /**
     * Registers a device and reports its first certificate, as onboarding does when the
     * device enrolls.
     * @return the device, now ACTIVE
     */
    public UUID enrollDevice(UUID customer, String name) {
        UUID device = registerDevice(customer, name);
        HttpResponse<String> issued = putCertificate(device, certificate(customer, "0a1b2c"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(204);
        return device;
    }

    /**
     * Tells the registry, as onboarding does with its service token, that a certificate
     * was issued.
     * @param json the certificate, see {@link #certificate}
     * @return the response, 204 when taken
     */
    public HttpResponse<String> putCertificate(UUID device, String json) {
        return put("/internal/devices/" + device + "/certificate", TestJwtIssuer.serviceToken(), json, null);
    }

    /**
     * @return the body onboarding sends for a certificate valid for 2026
     */
    public static String certificate(UUID customer, String serial) {
        return certificate(customer, serial, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    }

    /**
     * @return the body onboarding sends for an issued certificate
     */
    public static String certificate(UUID customer, String serial, String notBefore, String notAfter) {
        return """
                {"customerId":"%s","serial":"%s","notBefore":"%s","notAfter":"%s"}""".formatted(customer, serial,
                notBefore, notAfter);
    }

    /**
     * Creates (or reuses) an application and a release of it, as an operator of the
     * customer.
     * @param customer the customer
     * @param appName the application's name
     * @param releaseName the release's name
     * @return the release id
     */
    public UUID release(UUID customer, String appName, String releaseName) {
        HttpResponse<String> app = post("/applications", operator(customer), """
                {"name":"%s","imageRepository":"registry.example.com:5000/edp/%s","ports":["8080:80/tcp"],
                 "env":{"LOG":"info"},"volumes":["data:/var/lib/app"],"restartPolicy":"always"}""".formatted(appName,
                appName));
        String appId;
        if (app.statusCode() == 409) {
            List<String> ids = read(get("/applications?limit=500", operator(customer)),
                    "$.items[?(@.name == '" + appName + "')].id");
            appId = ids.getFirst();
        }
        else {
            assertThat(app.statusCode()).as(app.body()).isEqualTo(201);
            appId = read(app, "$.id");
        }
        HttpResponse<String> release = post("/releases", operator(customer), """
                {"name":"%s","containers":[{"applicationId":"%s","tag":"1.2.3","env":{"MODE":"edge"}}]}"""
            .formatted(releaseName, appId));
        assertThat(release.statusCode()).as(release.body()).isEqualTo(201);
        return UUID.fromString(read(release, "$.id"));
    }

    /** Pins a release to the customer's TESTING environment, as an operator. */
    public void pinTesting(UUID customer, UUID release) {
        HttpResponse<String> pinned = put("/environments/TESTING/release", operator(customer),
                "{\"releaseId\":\"" + release + "\"}", null);
        assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
    }

    /**
     * @return the release pinned to the customer's environment, or null for none
     */
    public String pinned(UUID customer, String environment) {
        List<String> ids = read(get("/environments", viewer(customer)),
                "$[?(@.environment == '" + environment + "')].releaseId");
        return ids.isEmpty() ? null : ids.getFirst();
    }

    /**
     * Promotes the source's pin into {@code target}: an operator requests, a customer
     * admin approves.
     * @param target STAGING (from TESTING) or PRODUCTION (from STAGING)
     */
    public void promote(UUID customer, String target) {
        HttpResponse<String> requested = post("/promotions", operator(customer),
                "{\"targetEnvironment\":\"" + target + "\"}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
        HttpResponse<String> approved = post("/promotions/" + read(requested, "$.id") + "/approve",
                customerAdmin(customer), null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    }

    /**
     * Creates a release and takes it through every environment: pinned to TESTING,
     * promoted to STAGING and on to PRODUCTION.
     * @return the release, approved for STAGING and PRODUCTION
     */
    public UUID releaseInProduction(UUID customer, String releaseName) {
        UUID release = release(customer, "app", releaseName);
        pinTesting(customer, release);
        promote(customer, "STAGING");
        promote(customer, "PRODUCTION");
        return release;
    }

    /**
     * Moves a device directly (same or higher environment), as an operator.
     * @return the response, 200 with the device
     */
    public HttpResponse<String> moveDirectly(UUID customer, UUID device, String environment) {
        String current = etag(get("/devices/" + device, viewer(customer)));
        HttpResponse<String> moved = send("POST", "/devices/" + device + "/environment", operator(customer),
                "{\"environment\":\"" + environment + "\"}", current);
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        return moved;
    }

}
