package dev.edp.e3.trust;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TrustSource} and {@link DeviceTrust}'s CRL refresh against a real HTTP server
 * that publishes CRLs the way onboarding does: {@code Last-Modified} in whole seconds, a
 * strong {@code ETag}, and 304 for a matching {@code If-None-Match} or, without one, for
 * an {@code If-Modified-Since} that is not older than the CRL.
 */
class TrustSourceIntegrationTests {

    static final TestPki PKI = TestPki.create("EDP");
    static final String PATH = "/onboarding/api/v1/crl";

    /** One second: every CRL below is published "in" it. */
    static final String SAME_SECOND = DateTimeFormatter.RFC_1123_DATE_TIME
        .format(Instant.parse("2026-12-05T10:00:00Z").atOffset(ZoneOffset.UTC));

    @TempDir
    Path dir;

    final CrlServer server = new CrlServer();

    @AfterEach
    void stop() {
        server.close();
    }

    TrustSource http() {
        return new TrustSource(server.url() + PATH, new DefaultResourceLoader(), WebClient.create(),
                WebClient.create());
    }

    DeviceTrust trust(TrustSource crl) throws IOException {
        Path chain = Files.writeString(dir.resolve("chain.pem"), PKI.chainPem());
        DeviceTrust trust = new DeviceTrust(
                new TrustSource("file:" + chain, new DefaultResourceLoader(), WebClient.create(), WebClient.create()),
                crl, Duration.ofMinutes(5), Duration.ofMinutes(10), Clock.systemUTC());
        trust.refreshTrustAnchors();
        return trust;
    }

    static DeviceTrust.Outcome check(DeviceTrust trust, Credential device) {
        return trust.verify(device.chain().toArray(X509Certificate[]::new)).outcome();
    }

    @Test
    void twoRevocationsPublishedWithinOneSecondAreBothSeen() throws Exception {
        Credential first = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        Credential second = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        server.publish(PKI.crl(), SAME_SECOND, true);
        DeviceTrust trust = trust(http());
        trust.refreshRevocations();
        assertThat(check(trust, first)).isEqualTo(DeviceTrust.Outcome.ACCEPTED);

        server.publish(PKI.crl(first.serial()), SAME_SECOND, true);
        trust.refreshRevocations();
        assertThat(check(trust, first)).as("first revocation").isEqualTo(DeviceTrust.Outcome.REVOKED);
        assertThat(check(trust, second)).isEqualTo(DeviceTrust.Outcome.ACCEPTED);

        server.publish(PKI.crl(first.serial(), second.serial()), SAME_SECOND, true);
        trust.refreshRevocations();
        assertThat(check(trust, second)).as("second revocation, same Last-Modified")
            .isEqualTo(DeviceTrust.Outcome.REVOKED);

        // Unchanged: revalidated with the tag alone, answered 304, still fresh.
        trust.refreshRevocations();
        assertThat(server.answers.getLast()).isEqualTo(304);
        assertThat(trust.revocationFresh()).isTrue();
        assertThat(check(trust, first)).isEqualTo(DeviceTrust.Outcome.REVOKED);
        List<Map<String, String>> conditional = server.requests.subList(1, server.requests.size());
        assertThat(conditional).allSatisfy(request -> {
            assertThat(request).containsKey("if-none-match");
            assertThat(request).as("never a date when a tag is known").doesNotContainKey("if-modified-since");
        });
    }

    @Test
    void aServerWithoutEtagIsRevalidatedByDate() throws Exception {
        server.publish("crl-1".getBytes(StandardCharsets.US_ASCII), SAME_SECOND, false);
        TrustSource source = http();

        TrustSource.Fetched first = source.fetch(null);
        TrustSource.Fetched again = source.fetch(first.version());

        assertThat(first.body()).asString(StandardCharsets.US_ASCII).isEqualTo("crl-1");
        assertThat(first.version().etag()).isNull();
        assertThat(again.notModified()).isTrue();
        assertThat(server.requests.getLast()).containsEntry("if-modified-since", SAME_SECOND)
            .doesNotContainKey("if-none-match");
    }

    @Test
    void aNotModifiedForAnotherTagIsNotBelieved() throws Exception {
        server.publish("crl-1".getBytes(StandardCharsets.US_ASCII), SAME_SECOND, true);
        TrustSource source = http();
        TrustSource.Fetched first = source.fetch(null);
        server.publish("crl-2".getBytes(StandardCharsets.US_ASCII), SAME_SECOND, true);
        server.notModifiedForAnyTag = true;

        TrustSource.Fetched next = source.fetch(first.version());

        assertThat(next.notModified()).isFalse();
        assertThat(next.body()).asString(StandardCharsets.US_ASCII).isEqualTo("crl-2");
        assertThat(server.requests.getLast()).as("fetched again without conditions").doesNotContainKey("if-none-match");
    }

    @Test
    void aFileReplacedWithTheSameSizeAndTimeIsReadAgain() throws Exception {
        Path file = dir.resolve("crl.der");
        FileTime time = FileTime.from(Instant.parse("2026-12-05T10:00:00Z"));
        Files.write(file, "crl-1".getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(file, time);
        TrustSource source = new TrustSource("file:" + file, new DefaultResourceLoader(), WebClient.create(),
                WebClient.create());
        TrustSource.Fetched first = source.fetch(null);
        assertThat(source.fetch(first.version()).notModified()).as("unchanged").isTrue();

        Files.write(file, "crl-2".getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(file, time);
        TrustSource.Fetched next = source.fetch(first.version());

        assertThat(next.notModified()).isFalse();
        assertThat(next.body()).asString(StandardCharsets.US_ASCII).isEqualTo("crl-2");
    }

    /**
     * Serves one document at {@link #PATH} with the validators a test sets, and records
     * every request.
     */
    static final class CrlServer implements AutoCloseable {

        private record Published(byte[] body, String lastModified, String etag) {
        }

        final HttpServer server;

        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

        final List<Integer> answers = new CopyOnWriteArrayList<>();

        volatile boolean notModifiedForAnyTag;

        private volatile Published published;

        CrlServer() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
            server.createContext(PATH, this::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void publish(byte[] body, String lastModified, boolean withEtag) {
            published = new Published(body, lastModified, withEtag ? "\"" + sha256(body) + "\"" : null);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
                requests.add(headers);
                Published current = published;
                String ifNoneMatch = headers.get("if-none-match");
                String ifModifiedSince = headers.get("if-modified-since");
                boolean notModified = ifNoneMatch != null ? notModifiedForAnyTag || ifNoneMatch.equals(current.etag())
                        : ifModifiedSince != null && ifModifiedSince.equals(current.lastModified());
                exchange.getResponseHeaders().add("Last-Modified", current.lastModified());
                if (current.etag() != null) {
                    exchange.getResponseHeaders().add("ETag", current.etag());
                }
                answers.add(notModified ? 304 : 200);
                if (notModified) {
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/pkix-crl");
                exchange.sendResponseHeaders(200, current.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(current.body());
                }
            }
        }

        private static String sha256(byte[] body) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            }
            catch (java.security.GeneralSecurityException ex) {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }

    }

}
