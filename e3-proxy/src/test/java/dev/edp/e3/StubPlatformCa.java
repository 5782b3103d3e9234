package dev.edp.e3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.test.pki.TestPki;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for onboarding's {@code POST /api/onboarding/v1/internal/server-certificates}
 * (and a token endpoint) on a real loopback HTTP port: a root and issuing CA shaped like
 * the platform's, issuing serverAuth certificates for the CSR's key and the requested
 * names, with a short, configurable validity so renewal can be watched. The first
 * {@code unavailableCalls} requests answer 503 (onboarding not up yet).
 */
final class StubPlatformCa implements AutoCloseable {

    static final String TOKEN = "service-token-for-e3";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final X509Certificate root;

    final X509Certificate issuing;

    private final KeyPair issuingKeys;

    private final Duration validity;

    private final AtomicInteger unavailable;

    private final HttpServer server;

    final List<X509Certificate> issued = new CopyOnWriteArrayList<>();

    final List<Map<?, ?>> requests = new CopyOnWriteArrayList<>();

    StubPlatformCa(Duration validity, int unavailableCalls) {
        try {
            this.validity = validity;
            this.unavailable = new AtomicInteger(unavailableCalls);
            KeyPair rootKeys = keys();
            X500Principal rootName = new X500Principal("CN=Stub Platform Root CA,O=EDP");
            Instant now = Instant.now();
            root = sign(ca(rootName, rootName, rootKeys, now, new BasicConstraints(true)), rootKeys);
            issuingKeys = keys();
            issuing = sign(ca(new X500Principal("CN=Stub Platform Issuing CA,O=EDP"), rootName, issuingKeys, now,
                    new BasicConstraints(0)), rootKeys);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", exchange -> answer(exchange, 200,
                    "{\"access_token\":\"" + TOKEN + "\",\"expires_in\":300,\"token_type\":\"Bearer\"}"));
            server.createContext("/api/onboarding/v1/internal/server-certificates", this::issue);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String chainPem() {
        return TestPki.pem(issuing) + TestPki.pem(root);
    }

    private void issue(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "{\"code\":\"UNAUTHORIZED\"}");
            return;
        }
        if (unavailable.getAndDecrement() > 0) {
            answer(exchange, 503, "{\"code\":\"SERVICE_UNAVAILABLE\"}");
            return;
        }
        try {
            Map<?, ?> request = JSON.readValue(body, Map.class);
            requests.add(request);
            PKCS10CertificationRequest csr;
            try (PEMParser parser = new PEMParser(new java.io.StringReader((String) request.get("csr")))) {
                csr = (PKCS10CertificationRequest) parser.readObject();
            }
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                answer(exchange, 400, "{\"code\":\"CSR_SIGNATURE_INVALID\"}");
                return;
            }
            List<GeneralName> names = new ArrayList<>();
            ((List<?>) request.get("dnsNames"))
                .forEach(name -> names.add(new GeneralName(GeneralName.dNSName, (String) name)));
            ((List<?>) request.get("ipAddresses"))
                .forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, (String) ip)));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuing,
                    new BigInteger(96, new SecureRandom()), Date.from(now.minusSeconds(1)),
                    Date.from(now.plus(validity)),
                    new X500Principal("CN=" + ((List<?>) request.get("dnsNames")).getFirst() + ",O=EDP"),
                    new JcaPKCS10CertificationRequest(csr).getPublicKey());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate certificate = sign(builder, issuingKeys);
            issued.add(certificate);
            answer(exchange, 200,
                    JSON.writeValueAsString(Map.of("certificate", TestPki.pem(certificate), "chain", chainPem())));
        }
        catch (Exception ex) {
            answer(exchange, 400, "{\"code\":\"CSR_MALFORMED\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders()
            .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static X509v3CertificateBuilder ca(X500Principal subject, X500Principal issuer, KeyPair keys, Instant now,
            BasicConstraints constraints) throws IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(96, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(365))), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, constraints);
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
