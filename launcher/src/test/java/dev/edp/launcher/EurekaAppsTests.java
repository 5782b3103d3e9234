package dev.edp.launcher;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EurekaAppsTests extends LocalServiceTests {

    /** The registry of a platform answers only the launcher's client login. */
    private static final String AUTHORIZATION = new RegistryCredentials("client-secret", "admin-secret")
        .clientAuthorization();

    @Test
    void readsApplicationsWithAnInstanceUp() {
        String json = apps(app("MASTERDATA", "UP"), app("ONBOARDING", "STARTING"), """
                {"name":"MONITORING","instance":[%s,%s]}""".formatted(instance("MONITORING", "DOWN"),
                instance("MONITORING", "UP")));

        assertThat(EurekaApps.upApplications(json)).containsExactly("MASTERDATA", "MONITORING");
    }

    @Test
    void readsALoneApplicationWrittenAsAnObject() {
        String json = """
                {"applications":{"versions__delta":"1","application":{"name":"E3-PROXY","instance":%s}}}"""
            .formatted(instance("E3-PROXY", "UP"));

        assertThat(EurekaApps.upApplications(json)).containsExactly("E3-PROXY");
    }

    @Test
    void anEmptyRegistryHasNoApplications() {
        assertThat(EurekaApps.upApplications("{\"applications\":{\"versions__delta\":\"1\",\"application\":[]}}"))
            .isEmpty();
    }

    @Test
    void waitsUntilEveryServiceIsRegisteredAskingForJsonWithTheRegistryLogin() throws Exception {
        AtomicReference<String> body = new AtomicReference<>(apps(app("MASTERDATA", "UP")));
        AtomicReference<String> accept = new AtomicReference<>();
        URI eureka = serve(body, accept);
        process = running("sleep", "60");
        Thread.ofVirtual().start(() -> {
            sleep(300);
            body.set(apps(app("MASTERDATA", "UP"), app("PORTAL-GATEWAY", "UP")));
        });

        polling(eureka, AUTHORIZATION).awaitRegistered(List.of("MASTERDATA", "PORTAL-GATEWAY"), List.of(process),
                Duration.ofSeconds(10));

        assertThat(accept.get()).isEqualTo("application/json");
    }

    @Test
    void aRegistryRefusingTheLoginCountsAsNothingRegistered() throws Exception {
        URI eureka = serve(new AtomicReference<>(apps(app("MASTERDATA", "UP"))), new AtomicReference<>());
        process = running("sleep", "60");

        assertThatExceptionOfType(StartupException.class)
            .isThrownBy(() -> polling(eureka, "Basic d3Jvbmc6d3Jvbmc=").awaitRegistered(List.of("MASTERDATA"),
                    List.of(process), Duration.ofMillis(300)))
            .withMessageEndingWith("not registered in Eureka: MASTERDATA");
    }

    @Test
    void namesTheServicesThatNeverRegistered() throws Exception {
        URI eureka = serve(new AtomicReference<>(apps(app("MASTERDATA", "UP"))), new AtomicReference<>());
        process = running("sleep", "60");

        assertThatExceptionOfType(StartupException.class)
            .isThrownBy(() -> polling(eureka, AUTHORIZATION).awaitRegistered(
                    List.of("MASTERDATA", "MONITORING", "ONBOARDING"), List.of(process), Duration.ofMillis(300)))
            .withMessageEndingWith("not registered in Eureka: MONITORING, ONBOARDING");
    }

    private URI serve(AtomicReference<String> body, AtomicReference<String> accept) throws Exception {
        String base = serve("/eureka/apps", exchange -> {
            if (!AUTHORIZATION.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        return URI.create(base + "/eureka/");
    }

    /** The launcher's wait for the registry, polling every 50 ms. */
    private static EurekaApps polling(URI eureka, String authorization) {
        return new EurekaApps(eureka, new HttpReadiness(Duration.ofMillis(50)), Duration.ofMillis(50), authorization);
    }

    private static String apps(String... applications) {
        return "{\"applications\":{\"versions__delta\":\"1\",\"apps__hashcode\":\"UP_1_\",\"application\":["
                + String.join(",", applications) + "]}}";
    }

    private static String app(String name, String status) {
        return "{\"name\":\"" + name + "\",\"instance\":[" + instance(name, status) + "]}";
    }

    // The shape Eureka returns, including the nested objects that also carry a "name".
    private static String instance(String app, String status) {
        return """
                {"instanceId":"host:%s:8081","hostName":"host","app":"%s","status":"%s","overriddenStatus":"UNKNOWN",
                 "port":{"$":8081,"@enabled":"true"},
                 "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}"""
            .formatted(app.toLowerCase(), app, status);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
