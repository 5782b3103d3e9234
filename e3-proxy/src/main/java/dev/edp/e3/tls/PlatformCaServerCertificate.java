package dev.edp.e3.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

import dev.edp.e3.ServiceUrl;
import dev.edp.platform.client.ServiceTokenSource;
import dev.edp.platform.task.TaskThread;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * E3's server certificate from the platform CA
 * ({@code edp.e3.tls.server-certificate=platform-ca}): an EC P-256 key generated in
 * memory, a CSR sent with the platform service token to onboarding's
 * {@code POST /api/onboarding/v1/internal/server-certificates}, and renewal (new key, new
 * certificate) at two thirds of the lifetime. The TLS listener uses
 * {@link #keyManager()}, which always answers with the current key and chain, so renewal
 * needs no restart: new handshakes get the new certificate, open connections keep theirs.
 * <p>
 * After each issuance the CA chain (issuing CA, root) is written atomically to
 * {@code publish-chain-file}, for tools that must trust E3 (agent,
 * {@code curl --cacert}).
 */
public final class PlatformCaServerCertificate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlatformCaServerCertificate.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PATH = "/api/onboarding/v1/internal/server-certificates";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private record Current(X509ExtendedKeyManager keys, X509Certificate certificate, List<X509Certificate> caChain,
            Instant renewAt) {
    }

    private final String onboardingUrl;

    private final WebClient web;

    private final ServiceTokenSource tokens;

    private final List<String> dnsNames;

    private final List<String> ipAddresses;

    private final Path chainFile;

    private final Duration retryInterval;

    private final Clock clock;

    private final SwappingKeyManager keyManager = new SwappingKeyManager();

    private volatile Current current;

    private volatile TaskThread renewals;

    /**
     * @param onboardingUrl {@code lb://onboarding} or a base URL
     * @param plain client for URLs
     * @param loadBalanced client for registry names
     * @param tokens the platform service token
     * @param dnsNames DNS names to request
     * @param ipAddresses IP addresses to request
     * @param chainFile where to write the CA chain, or null
     * @param retryInterval pause between attempts
     * @param clock the clock
     */
    public PlatformCaServerCertificate(String onboardingUrl, WebClient plain, WebClient loadBalanced,
            ServiceTokenSource tokens, List<String> dnsNames, List<String> ipAddresses, Path chainFile,
            Duration retryInterval, Clock clock) {
        ServiceUrl onboarding = ServiceUrl.of(onboardingUrl);
        this.onboardingUrl = onboarding.resolve("");
        this.web = onboarding.client(plain, loadBalanced);
        this.tokens = tokens;
        this.dnsNames = List.copyOf(dnsNames);
        this.ipAddresses = List.copyOf(ipAddresses);
        this.chainFile = chainFile;
        this.retryInterval = retryInterval;
        this.clock = clock;
    }

    /**
     * @return the key manager the TLS listener uses (always the current certificate)
     */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /**
     * @return the certificate now served, or null before the first issuance
     */
    public X509Certificate certificate() {
        Current now = current;
        return now == null ? null : now.certificate();
    }

    /**
     * @return when the current certificate will be renewed, or null
     */
    public Instant renewAt() {
        Current now = current;
        return now == null ? null : now.renewAt();
    }

    /**
     * Gets the first certificate, retrying until onboarding answers, then schedules the
     * renewals.
     * @param timeout how long to keep trying
     * @throws IllegalStateException when no certificate could be had in time (E3 must not
     * start without one)
     */
    public void obtainAtStart(Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                install(issue());
                break;
            }
            catch (RuntimeException ex) {
                if (clock.instant().plus(retryInterval).isAfter(deadline)) {
                    throw new IllegalStateException("No server certificate from the platform CA at " + onboardingUrl
                            + " within " + timeout + " (" + attempt + " attempts): " + ex.getMessage(), ex);
                }
                log.info("Server certificate from the platform CA not available yet (attempt {}): {}; retrying",
                        attempt, ex.getMessage());
                sleep(retryInterval);
            }
        }
        renewals = TaskThread.start("e3-server-cert")
            .rescheduling("server certificate renewal", clock, current.renewAt(), this::renew);
    }

    /**
     * @return when to renew next: at the new certificate's renewal time, or calmly again
     * after a failure
     */
    private Instant renew() {
        try {
            install(issue());
            return current.renewAt();
        }
        catch (RuntimeException ex) {
            // A third of the lifetime is left: retry calmly (at most once a minute), not
            // at the start-up pace.
            X509Certificate served = current.certificate();
            Duration lifetime = Duration.between(served.getNotBefore().toInstant(), served.getNotAfter().toInstant());
            Duration pause = max(retryInterval, min(Duration.ofMinutes(1), lifetime.dividedBy(20)));
            log.warn("Renewing E3's server certificate failed (current one valid until {}): {}; retrying in {}",
                    served.getNotAfter().toInstant(), ex.getMessage(), pause);
            return clock.instant().plus(pause);
        }
    }

    private Current issue() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            String name = dnsNames.isEmpty() ? ipAddresses.getFirst() : dnsNames.getFirst();
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + name), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("csr", pem(csr));
            body.put("dnsNames", dnsNames);
            body.put("ipAddresses", ipAddresses);
            ResponseEntity<String> response = web.post()
                .uri(onboardingUrl + PATH)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.accessToken())
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(JSON.writeValueAsString(body))
                .exchangeToMono(answer -> answer.toEntity(String.class))
                .block(CALL_TIMEOUT);
            if (response == null || !response.getStatusCode().is2xxSuccessful() || response.getBody() == null) {
                throw new IllegalStateException("onboarding answered "
                        + (response == null ? "nothing" : response.getStatusCode().value() + " " + response.getBody()));
            }
            Map<?, ?> answer = JSON.readValue(response.getBody(), Map.class);
            X509Certificate certificate = certificates((String) answer.get("certificate")).getFirst();
            List<X509Certificate> caChain = certificates((String) answer.get("chain"));
            if (!certificate.getPublicKey().equals(keys.getPublic())) {
                throw new IllegalStateException("the certificate onboarding returned is not for E3's key");
            }
            certificate.verify(caChain.getFirst().getPublicKey());
            Instant notBefore = certificate.getNotBefore().toInstant();
            Instant notAfter = certificate.getNotAfter().toInstant();
            Instant renewAt = notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
            return new Current(keyManager(keys.getPrivate(), certificate, caChain), certificate, caChain, renewAt);
        }
        catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException ex) {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }

    private void install(Current next) {
        keyManager.delegate = next.keys();
        current = next;
        log.info("E3 serves server certificate serial {} from the platform CA ({}), valid until {}, renewal at {}",
                next.certificate().getSerialNumber().toString(16), next.certificate().getIssuerX500Principal(),
                next.certificate().getNotAfter().toInstant(), next.renewAt());
        if (chainFile != null) {
            publish(next.caChain());
        }
    }

    private void publish(List<X509Certificate> caChain) {
        try {
            Path target = chainFile.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
            StringBuilder text = new StringBuilder();
            for (X509Certificate certificate : caChain) {
                text.append(pem(certificate));
            }
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException ex) {
            log.warn("Cannot write E3's CA chain to {}: {}", chainFile, ex.getMessage());
        }
    }

    private static X509ExtendedKeyManager keyManager(PrivateKey key, X509Certificate certificate,
            List<X509Certificate> caChain) throws GeneralSecurityException, IOException {
        List<X509Certificate> served = new ArrayList<>();
        served.add(certificate);
        // Serve the intermediates; the self-signed root is the client's trust anchor.
        caChain.stream()
            .filter(ca -> !ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal()))
            .forEach(served::add);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("e3", key, new char[0], served.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    }

    private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        if (pem == null) {
            throw new GeneralSecurityException("no certificate in onboarding's answer");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
            .forEach(certificate -> certificates.add((X509Certificate) certificate));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in onboarding's answer");
        }
        return certificates;
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        return out.toString();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server certificate", ex);
        }
    }

    @Override
    public void close() {
        if (renewals != null) {
            renewals.close();
        }
    }

    /**
     * Delegates every call to the current certificate's key manager (swapped on renewal).
     */
    static final class SwappingKeyManager extends X509ExtendedKeyManager {

        volatile X509ExtendedKeyManager delegate;

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }

    }

}
