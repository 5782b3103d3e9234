package dev.edp.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A kept-alive connection to the gateway is read again after every answer. Reactor Netty
 * 1.3.6 stopped reading a connection for good when a request that had arrived while the
 * one before it was still finishing (here: readiness, answered from another thread
 * because of the database check) was then answered at once on the event loop (liveness):
 * the next request on that connection lay unread in the socket until the client gave up
 * (reactor-netty#4361; the rare 90 s hangs of the service tests). Plain sockets, so the
 * two requests are sent back to back, which makes the old race certain. The same
 * application context as {@link GatewayManagementSecurityIntegrationTests}.
 */
@GatewayWithManagementPort
class KeepAliveIntegrationTests {

    @Value("${local.management.port}")
    int managementPort;

    @Test
    void aConnectionIsReadAgainAfterARequestThatWaitedForTheOneBeforeIt() throws IOException {
        for (int round = 0; round < 5; round++) {
            try (Socket socket = new Socket("localhost", managementPort)) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write((get("/actuator/health/readiness") + get("/actuator/health/liveness"))
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readStatus(in, "readiness")).isEqualTo(200);
                assertThat(readStatus(in, "liveness")).isEqualTo(200);
                out.write(get("/actuator/info").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readStatus(in, "the next request on the same connection")).isEqualTo(200);
            }
        }
    }

    private String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost:" + managementPort + "\r\n\r\n";
    }

    /** Reads one response with a Content-Length body and returns its status. */
    private static int readStatus(InputStream in, String what) throws IOException {
        try {
            String status = readLine(in);
            int length = -1;
            for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            }
            assertThat(length).as("Content-Length of the answer to " + what).isNotNegative();
            in.readNBytes(length);
            return Integer.parseInt(status.split(" ")[1]);
        }
        catch (SocketTimeoutException ex) {
            return fail("no answer to " + what + " within 15 s: the gateway stopped reading the connection");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed by the gateway");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

}
