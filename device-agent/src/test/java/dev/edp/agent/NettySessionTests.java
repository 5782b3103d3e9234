package dev.edp.agent;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.edp.agent.DeviceAgentIntegrationTests.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One device's connections over the Netty transport: the pool that lets a held long-poll
 * and heartbeats share a device's two connections, the one retry on a kept-alive
 * connection closed under a request (never for a renewal), shutdown after a renewal and
 * close when the agent stops.
 */
class NettySessionTests extends NettyDeviceTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final byte[] HEARTBEAT = """
            {"uptimeSeconds":5,"agentVersion":"test","memory":{"totalBytes":1,"usedBytes":1}}"""
        .getBytes(StandardCharsets.UTF_8);

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private Credentials credentials;

    @BeforeEach
    void credentials() {
        credentials = new Credentials(keys.getPrivate(), chain(),
                new DeviceIdentity(deviceId, e3.customerId, certificate.getSerialNumber().toString(16),
                        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()));
    }

    private E3Transport.Session session(URI url) {
        return E3Transport.netty(net).open(url, e3.trust(), credentials);
    }

    private static E3Transport.Request heartbeat(boolean repeatable) {
        return new E3Transport.Request("POST", "/monitoring/api/v1/heartbeat", null, JSON, HEARTBEAT, TIMEOUT,
                repeatable);
    }

    private E3Transport.Request heldPoll() {
        return new E3Transport.Request("GET", "/devices/api/v1/device/desired-state", "wait=20",
                Map.of("If-None-Match", e3.currentEtag()), new byte[0], TIMEOUT, true);
    }

    /**
     * Sends a long-poll in the background and returns once E3 holds it.
     */
    private CompletableFuture<E3Transport.Response> pollHeldByE3(E3Transport.Session session)
            throws InterruptedException {
        CompletableFuture<E3Transport.Response> poll = inBackground(() -> session.send(heldPoll()));
        await(() -> e3.waitingPolls.get() == 1, "the long-poll held by E3");
        return poll;
    }

    @Test
    void aHeldLongPollKeepsOneConnectionWhileHeartbeatsUseTheOther() throws Exception {
        e3.holdPolls = true;
        try (E3Transport.Session session = session(e3.url())) {
            CompletableFuture<E3Transport.Response> poll = pollHeldByE3(session);
            for (int i = 0; i < 3; i++) {
                assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
            }
            assertThat(poll).as("still held").isNotDone();
            e3.desire("release-1", "registry.example/app:1");
            E3Transport.Response delivered = poll.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(delivered.status()).isEqualTo(200);
            assertThat(delivered.header("ETag")).isEqualTo(e3.currentEtag());
            assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
        }
        assertThat(e3.connectionsByDevice.get(deviceId)).as("the poll's connection and one more, both kept alive")
            .hasSize(2);
        assertThat(e3.heartbeats.get()).isEqualTo(4);
    }

    @Test
    void concurrentRequestsWaitForOneOfTheDevicesTwoConnections() throws Exception {
        try (E3Transport.Session session = session(e3.url())) {
            List<CompletableFuture<E3Transport.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(inBackground(() -> session.send(heartbeat(true))));
            }
            for (CompletableFuture<E3Transport.Response> response : sent) {
                assertThat(response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(202);
            }
        }
        assertThat(e3.heartbeats.get()).isEqualTo(20);
        assertThat(e3.connectionsByDevice.get(deviceId)).hasSizeBetween(1, 2);
    }

    @Test
    void aKeptAliveConnectionClosedUnderAHeartbeatIsReplacedOnce() throws Exception {
        try (ClosingServer server = new ClosingServer(); E3Transport.Session session = session(server.url())) {
            assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
            // The kept-alive connection is reused, and closed by the server as the
            // request arrives.
            assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
            assertThat(server.requestsPerConnection).containsExactly(2, 1);
        }
    }

    @Test
    void aRenewalIsNeverSentTwiceWhenItsConnectionClosesUnderIt() throws Exception {
        try (ClosingServer server = new ClosingServer(); E3Transport.Session session = session(server.url())) {
            assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
            E3Transport.Request renewal = new E3Transport.Request("POST", "/onboarding/api/v1/renewals", null, JSON,
                    "{}".getBytes(StandardCharsets.UTF_8), TIMEOUT, false);
            assertThatThrownBy(() -> session.send(renewal)).isInstanceOf(IOException.class);
            assertThat(server.requestsPerConnection).containsExactly(2);
            // The next request opens a new connection.
            assertThat(session.send(heartbeat(true)).status()).isEqualTo(202);
            assertThat(server.requestsPerConnection).containsExactly(2, 1);
        }
    }

    @Test
    void afterShutdownTheHeldPollFinishesAndNewRequestsAreRefused() throws Exception {
        e3.holdPolls = true;
        E3Transport.Session session = session(e3.url());
        CompletableFuture<E3Transport.Response> poll = pollHeldByE3(session);
        session.shutdown();
        assertThatThrownBy(() -> session.send(heartbeat(true))).isInstanceOf(IOException.class)
            .hasMessageContaining("shut down");
        e3.desire("release-1", "registry.example/app:1");
        assertThat(poll.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
        session.close();
    }

    @Test
    void closeAbortsAHeldPollAtOnce() throws Exception {
        e3.holdPolls = true;
        E3Transport.Session session = session(e3.url());
        CompletableFuture<E3Transport.Response> poll = pollHeldByE3(session);
        Instant closed = Instant.now();
        session.close();
        // E3 holds the poll for 25 s; closing the connection ends the wait long before.
        assertThatThrownBy(() -> poll.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(Duration.between(closed, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @FunctionalInterface
    private interface Call<T> {

        T call() throws Exception;

    }

    private static <T> CompletableFuture<T> inBackground(Call<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(call.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /**
     * A TLS server that answers every request 202 with keep-alive, except that it closes
     * its first connection when the second request arrives on it, without answering: the
     * race of a kept-alive connection that the server closes just as the client reuses
     * it.
     */
    private final class ClosingServer implements AutoCloseable {

        final List<Integer> requestsPerConnection = new CopyOnWriteArrayList<>();

        private final SSLServerSocket socket;

        private final AtomicInteger connections = new AtomicInteger();

        ClosingServer() throws Exception {
            socket = (SSLServerSocket) e3.ca.serverContext()
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            socket.setWantClientAuth(true);
            Thread.ofVirtual().start(this::accept);
        }

        URI url() {
            return URI.create("https://localhost:" + socket.getLocalPort());
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    int number = connections.incrementAndGet();
                    int slot = requestsPerConnection.size();
                    requestsPerConnection.add(0);
                    Thread.ofVirtual().start(() -> serve(connection, number, slot));
                }
                catch (IOException ex) {
                    return;
                }
            }
        }

        private void serve(Socket connection, int number, int slot) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                while (readRequest(in)) {
                    int requests = requestsPerConnection.get(slot) + 1;
                    requestsPerConnection.set(slot, requests);
                    if (number == 1 && requests == 2) {
                        return; // closed under the request
                    }
                    out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            catch (IOException ex) {
                // the client went away
            }
        }

        /**
         * @return false at the end of the stream
         */
        private static boolean readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return true;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

    }

}
