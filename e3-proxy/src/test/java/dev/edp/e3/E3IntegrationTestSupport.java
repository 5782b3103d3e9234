package dev.edp.e3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The test PKI and files E3's integration tests share: trust anchors and CRL as files, a
 * server certificate.
 */
final class E3IntegrationTestSupport {

    static final TestPki PKI = TestPki.create("EDP");

    /** Device-management's long-poll. */
    static final String DESIRED_STATE = "/devices/api/v1/device/desired-state";

    /** A monitoring path the stubs answer slowly. */
    static final String SLOW_REPORT = "/monitoring/api/v1/monitoring/slow";

    static final Credential SERVER = PKI.server();
    static final Path DIR;
    static final Path CRL;

    static {
        try {
            DIR = Files.createTempDirectory("e3-test");
            Files.writeString(DIR.resolve("chain.pem"), PKI.chainPem());
            SERVER.writePem(DIR, "server");
            CRL = DIR.resolve("crl.der");
            Files.write(CRL, PKI.crl());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private E3IntegrationTestSupport() {
    }

    /**
     * Routes E3's three backends to the stand-ins and points it at the test PKI's files:
     * what most E3 integration tests register in their {@code @DynamicPropertySource}.
     */
    static void register(DynamicPropertyRegistry registry, StubBackend onboarding, StubBackend monitoring,
            StubBackend devices) {
        registry.add("spring.cloud.discovery.client.simple.instances.onboarding[0].uri", onboarding::url);
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", monitoring::url);
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri", devices::url);
        properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    /**
     * Stand-ins for E3's three backends in the tests of its limits: device-management
     * answers the desired-state long-poll with 304 and monitoring answers
     * {@link #SLOW_REPORT} with 200, each after a delay.
     *
     * @param onboarding onboarding's stub
     * @param monitoring monitoring's stub
     * @param devices device-management's stub
     */
    record SlowBackends(StubBackend onboarding, StubBackend monitoring, StubBackend devices) {

        /**
         * @param longPollMillis how long device-management holds a long-poll
         * @param slowReportMillis how long monitoring takes to answer
         * {@link #SLOW_REPORT}
         * @return the started stubs
         */
        static SlowBackends answeringAfter(int longPollMillis, int slowReportMillis) {
            return new SlowBackends(StubBackend.start(),
                    StubBackend.start()
                        .script(SLOW_REPORT, new Answer(200, "application/json", "{}", slowReportMillis)),
                    StubBackend.start().script(DESIRED_STATE, new Answer(304, null, null, longPollMillis)));
        }

        /** What the test registers in its {@code @DynamicPropertySource}. */
        void register(DynamicPropertyRegistry registry) {
            E3IntegrationTestSupport.register(registry, onboarding, monitoring, devices);
        }

    }

    /**
     * Monitoring at a stub, the CRL from an HTTP source (the tests of E3's start without
     * a CRL).
     * @param registry the test's properties
     * @param monitoring monitoring's stub
     * @param crlSource where the CRL comes from
     * @param crlPath its path there
     */
    static void registerWithCrlFrom(DynamicPropertyRegistry registry, StubBackend monitoring, StubBackend crlSource,
            String crlPath) {
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", monitoring::url);
        properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("edp.e3.crl-url", () -> crlSource.url() + crlPath);
    }

    /**
     * @param port E3's device port
     * @return the answer to a new device's first heartbeat
     */
    static HttpResponse<String> firstHeartbeatOfANewDevice(int port) {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        return get(client(device.sslContext(PKI.root())),
                "https://localhost:" + port + "/monitoring/api/v1/monitoring/heartbeat");
    }

    /** Properties that point E3 at the files. */
    static Map<String, String> properties() {
        return Map.of("edp.e3.trust-anchors", "file:" + DIR.resolve("chain.pem"), "edp.e3.crl-url", "file:" + CRL,
                "spring.ssl.bundle.pem.e3.keystore.certificate", "file:" + DIR.resolve("server.crt"),
                "spring.ssl.bundle.pem.e3.keystore.private-key", "file:" + DIR.resolve("server.key"),
                "edp.e3.tls.bundle", "e3");
    }

    /**
     * Publishes a new CRL revoking the given serials (the file's time changes, E3 picks
     * it up).
     */
    static void revoke(BigInteger... serials) {
        try {
            Path next = DIR.resolve("crl.next");
            Files.write(next, PKI.crl(serials));
            Files.move(next, CRL, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(CRL, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A client context that presents the credential's chain in every handshake, whichever
     * issuers the server names as acceptable (the JDK's own key manager would send
     * nothing for a foreign CA).
     */
    static SSLContext presentingRegardless(Credential credential, X509Certificate trustedServerCa) {
        return presentingRegardless(credential, trustedServerCa, issuers -> {
        });
    }

    /**
     * Like {@link #presentingRegardless(Credential, X509Certificate)}, and tells what
     * issuers the server named as acceptable in its certificate request.
     */
    static SSLContext presentingRegardless(Credential credential, X509Certificate trustedServerCa,
            Consumer<Principal[]> acceptableIssuers) {
        X509ExtendedKeyManager keys = new X509ExtendedKeyManager() {

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] { "device" };
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                acceptableIssuers.accept(issuers);
                return "device";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                acceptableIssuers.accept(issuers);
                return "device";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return credential.chain().toArray(X509Certificate[]::new);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return credential.key();
            }
        };
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", trustedServerCa);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] { keys }, trust.getTrustManagers(), null);
            return context;
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    }

    static HttpClient noCertificate() {
        return client(TestPki.trustingOnly(PKI.root()));
    }

    static HttpResponse<String> send(HttpClient client, String method, String url, String body,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        // Set, not added: a Content-Type given here replaces the default above.
        headers.forEach(request::setHeader);
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static HttpResponse<String> get(HttpClient client, String url) {
        return send(client, "GET", url, null, Map.of());
    }

    /**
     * A GET by a new device (its own certificate, so per-device limits never interfere),
     * sent without waiting for the answer; generous timeouts for many fresh TLS
     * handshakes at once on a loaded machine.
     * @param url the full URL
     * @return the answer, when it comes
     */
    static CompletableFuture<HttpResponse<String>> getAsyncAsNewDevice(String url) {
        HttpClient device = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()))
            .connectTimeout(Duration.ofSeconds(60))
            .build();
        return device.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
