package dev.edp.e3;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.edp.test.pki.TestPki.Credential;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device-management instance that dies while it holds a device's long-poll: the
 * connection ends before any answer (what a SIGKILLed replica's sockets do). The
 * long-poll route has no circuit breaker and so no fallback; E3 still answers a retryable
 * 503 {@code SERVICE_UNAVAILABLE} with {@code Retry-After}, never a 500 (a platform fault
 * test saw 8 × 500 {@code INTERNAL_ERROR} from reactor-netty's
 * {@code PrematureCloseException}).
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false" })
class E3BackendClosesIntegrationTests {

    /** Accepts, reads the request's first bytes, closes without a byte of answer. */
    static final ServerSocket dying;

    static final AtomicInteger requests = new AtomicInteger();

    static {
        try {
            dying = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        Thread.ofPlatform().daemon().start(() -> {
            while (!dying.isClosed()) {
                try (Socket socket = dying.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[8192]);
                    requests.incrementAndGet();
                    socket.setSoLinger(true, 0);
                }
                catch (IOException ex) {
                    // closed at the end
                }
            }
        });
    }

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri",
                () -> "http://127.0.0.1:" + dying.getLocalPort());
        E3IntegrationTestSupport.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void close() throws IOException {
        dying.close();
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void aLongPollWhoseInstanceDiesIsARetryable503NotA500() {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        HttpResponse<String> answer = get(client(device.sslContext(PKI.root())),
                "https://localhost:" + port + "/devices/api/v1/device/desired-state?wait=20");
        assertProblem(answer, 503, "SERVICE_UNAVAILABLE");
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.body()).doesNotContain("Exception");
        assertThat(requests.get()).as("the request reached the dying instance").isPositive();
    }

}
