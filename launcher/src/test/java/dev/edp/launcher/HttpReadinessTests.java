package dev.edp.launcher;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HttpReadinessTests extends LocalServiceTests {

    private static final Duration POLL = Duration.ofMillis(50);

    @Test
    void waitsUntilTheHealthEndpointAnswers200() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        URI url = serve(() -> calls.incrementAndGet() < 4 ? 503 : 200);
        process = running("sleep", "60");

        new HttpReadiness(POLL).await(process, url, Duration.ofSeconds(10));

        assertThat(calls).hasValue(4);
    }

    @Test
    void givesUpAfterTheTimeoutAndShowsTheLog() throws Exception {
        URI url = serve(() -> 503);
        process = running("sh", "-c", "echo still migrating; exec sleep 60");

        assertThatExceptionOfType(StartupException.class)
            .isThrownBy(() -> new HttpReadiness(POLL).await(process, url, Duration.ofMillis(400)))
            .satisfies(ex -> {
                assertThat(ex.component()).isEqualTo("svc");
                assertThat(ex.getMessage()).contains("not ready after")
                    .contains(url.toString())
                    .endsWith("last answer: HTTP 503)");
                assertThat(ex.logTail()).containsExactly("still migrating");
            });
        assertThat(process.isAlive()).as("the caller decides what to stop").isTrue();
    }

    @Test
    void reportsAProcessThatExitsBeforeItIsReadyWithItsExitCodeAndLastLogLines() throws Exception {
        URI url = serve(() -> 503);
        // A real JVM that fails like a service with a bad jar would, plus many lines of
        // output.
        process = running("sh", "-c", "for i in $(seq 1 100); do echo line $i; done; \"$0\" -jar /nonexistent.jar",
                Platform.javaExecutable());

        assertThatExceptionOfType(StartupException.class)
            .isThrownBy(() -> new HttpReadiness(POLL).await(process, url, Duration.ofSeconds(30)))
            .satisfies(ex -> {
                assertThat(ex.getMessage()).contains("svc: exited with code 1 before it was ready");
                assertThat(ex.logTail()).hasSize(HttpReadiness.LOG_LINES_ON_FAILURE);
                assertThat(ex.logTail()).first().isEqualTo("line 62");
                assertThat(ex.logTail().getLast()).contains("Unable to access jarfile /nonexistent.jar");
            });
    }

    @Test
    void aRefusedConnectionIsNotReady() throws Exception {
        URI url = serve(() -> 200);
        server.stop(0);
        server = null;

        assertThat(new HttpReadiness(POLL).isOk(url)).isFalse();
    }

    private URI serve(java.util.function.IntSupplier status) throws IOException {
        return URI.create(serve("/actuator/health/readiness", exchange -> {
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        }) + "/actuator/health/readiness");
    }

}
