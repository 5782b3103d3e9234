package dev.edp.e3.tls;

import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.security.auth.x500.X500Principal;

import dev.edp.e3.E3Properties;
import dev.edp.e3.trust.DeviceTrust;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * E3's TLS listener on the application port (the management port stays plain HTTP).
 * <p>
 * OpenSSL (BoringSSL from {@code netty-tcnative-boringssl-static}) does the TLS when it
 * loads, otherwise the JDK ({@code edp.e3.tls.provider}: {@code auto}, default;
 * {@code jdk} forces the JDK; {@code openssl} refuses to start without it). BoringSSL
 * does the P-256 handshake several times cheaper. The context is rebuilt when the trust
 * anchors change ({@link IssuerTrackingSslContext}: OpenSSL fixes the advertised issuers
 * when a context is built); the key manager is asked for the key and chain at every
 * handshake by both providers, so a renewed server certificate is served without a
 * rebuild.
 * <p>
 * TLS 1.3 and 1.2 with AEAD forward-secret suites only; the server key and certificate
 * from the platform CA ({@code edp.e3.tls.server-certificate=platform-ca}, see
 * {@link PlatformCaServerCertificate}: start-up waits for it, renewal swaps it without
 * restart), from the Spring SSL bundle {@code edp.e3.tls.bundle} (PEM or PKCS#12), or,
 * when neither is configured, a self-signed certificate generated at start (logged as a
 * warning: devices cannot verify it).
 * <p>
 * Client authentication is <em>wanted</em>, not needed, so devices without a certificate
 * can still onboard. The TLS layer checks only that the client owns the key of the
 * certificate it presents (the handshake's CertificateVerify); it advertises the platform
 * CAs as acceptable issuers but accepts any chain. Whether the certificate is trusted,
 * valid and not revoked is decided on every request by {@link DeviceTrust}, which reloads
 * trust anchors and the CRL at runtime — something a TLS trust store fixed at start could
 * not do.
 */
public final class E3TlsCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    private static final Logger log = LoggerFactory.getLogger(E3TlsCustomizer.class);

    /**
     * {@code edp.e3.tls.server-certificate} value: certificate from the platform CA
     * through onboarding.
     */
    public static final String PLATFORM_CA = "platform-ca";

    private final E3Properties properties;

    private final SslBundles bundles;

    private final DeviceTrust trust;

    private final Supplier<PlatformCaServerCertificate> platformCa;

    private final MeterRegistry meters;

    private volatile Supplier<X509Certificate> servedCertificate = () -> null;

    /**
     * @param properties E3 settings
     * @param bundles Spring SSL bundles
     * @param trust the trust anchors (advertised issuers)
     * @param platformCa the platform-CA certificate source (used only with
     * {@code server-certificate=platform-ca})
     * @param meters where the TLS figures go ({@link TlsMetrics})
     */
    public E3TlsCustomizer(E3Properties properties, SslBundles bundles, DeviceTrust trust,
            Supplier<PlatformCaServerCertificate> platformCa, MeterRegistry meters) {
        this.properties = properties;
        this.bundles = bundles;
        this.trust = trust;
        this.platformCa = platformCa;
        this.meters = meters;
    }

    /** {@code edp.e3.tls.provider}: OpenSSL when available, else the JDK. */
    public static final String PROVIDER_AUTO = "auto";

    /** {@code edp.e3.tls.provider}: always the JDK. */
    public static final String PROVIDER_JDK = "jdk";

    /** {@code edp.e3.tls.provider}: OpenSSL or no start. */
    public static final String PROVIDER_OPENSSL = "openssl";

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        SslContext context = sslContext();
        TlsMetrics metrics = new TlsMetrics(meters, () -> servedCertificate.get(), Clock.systemUTC());
        factory.addServerCustomizers(server -> server.secure(spec -> spec.sslContext(context))
            .doOnChannelInit((observer, channel, address) -> {
                if (channel.pipeline().get(NettyPipeline.SslHandler) != null) {
                    channel.pipeline().addAfter(NettyPipeline.SslHandler, "edp.handshakes", metrics.handshakeCounter());
                }
            }));
    }

    SslContext sslContext() {
        SslProvider provider = provider(properties.getTls().getProvider());
        Supplier<SslContextBuilder> builder;
        if (PLATFORM_CA.equals(properties.getTls().getServerCertificate())) {
            PlatformCaServerCertificate certificate = platformCa.get();
            certificate.obtainAtStart(properties.getTls().getStartTimeout());
            servedCertificate = certificate::certificate;
            builder = () -> SslContextBuilder.forServer(certificate.keyManager());
        }
        else {
            KeyManagerFactory keys = keyManagers();
            X509Certificate fixed = firstCertificate(keys);
            servedCertificate = () -> fixed;
            builder = () -> SslContextBuilder.forServer(keys);
        }
        log.info("E3's device port does TLS with {}",
                provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "the JDK");
        TlsMetrics.provider(meters, provider == SslProvider.OPENSSL ? PROVIDER_OPENSSL : PROVIDER_JDK);
        return new IssuerTrackingSslContext(trust::acceptedIssuers, issuers -> {
            try {
                return builder.get()
                    .sslProvider(provider)
                    .protocols(properties.getTls().getProtocols())
                    .ciphers(properties.getTls().getCiphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new DeferringTrustManager(issuers))
                    .build();
            }
            catch (SSLException ex) {
                throw new IllegalStateException("Cannot set up E3's TLS listener", ex);
            }
        });
    }

    /**
     * The TLS implementation {@code edp.e3.tls.provider} asks for, as far as this machine
     * has it.
     */
    static SslProvider provider(String setting) {
        String wanted = setting == null || setting.isBlank() ? PROVIDER_AUTO : setting.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case PROVIDER_JDK:
                return SslProvider.JDK;
            case PROVIDER_OPENSSL:
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("edp.e3.tls.provider=openssl, but OpenSSL cannot be loaded: "
                            + OpenSsl.unavailabilityCause());
                }
                return SslProvider.OPENSSL;
            case PROVIDER_AUTO:
                if (OpenSsl.isAvailable()) {
                    return SslProvider.OPENSSL;
                }
                log.warn("OpenSSL (netty-tcnative) cannot be loaded, E3 does TLS with the JDK (slower handshakes): {}",
                        String.valueOf(OpenSsl.unavailabilityCause()));
                return SslProvider.JDK;
            default:
                throw new IllegalArgumentException("edp.e3.tls.provider must be auto, openssl or jdk, not " + setting);
        }
    }

    /** The certificate a fixed key manager serves (a bundle's or the self-signed one). */
    private static X509Certificate firstCertificate(KeyManagerFactory keys) {
        for (var manager : keys.getKeyManagers()) {
            if (manager instanceof X509KeyManager x509) {
                for (String type : new String[] { "EC", "RSA", "EdDSA" }) {
                    String[] aliases = x509.getServerAliases(type, null);
                    if (aliases != null && aliases.length > 0) {
                        X509Certificate[] chain = x509.getCertificateChain(aliases[0]);
                        if (chain != null && chain.length > 0) {
                            return chain[0];
                        }
                    }
                }
            }
        }
        return null;
    }

    private KeyManagerFactory keyManagers() {
        String bundle = properties.getTls().getBundle();
        if (bundle != null && !bundle.isBlank()) {
            return bundles.getBundle(bundle).getManagers().getKeyManagerFactory();
        }
        log.warn("No server certificate configured (edp.e3.tls.bundle): E3 uses a self-signed certificate "
                + "generated now, which devices cannot verify. Configure a certificate for any real use.");
        return selfSigned();
    }

    private static KeyManagerFactory selfSigned() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Principal name = new X500Principal("CN=localhost,O=EDP E3 (self-signed)");
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
            X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("e3", keys.getPrivate(), new char[0], new X509Certificate[] { certificate });
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            return factory;
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot generate a self-signed server certificate", ex);
        }
    }

    /**
     * Accepts any client chain at the handshake (the per-request check decides) and names
     * the platform CAs as acceptable issuers, so clients pick their device certificate.
     */
    static final class DeferringTrustManager extends X509ExtendedTrustManager {

        private final X509Certificate[] issuers;

        /**
         * @param issuers the platform CAs when the context is built (a change rebuilds
         * it)
         */
        DeferringTrustManager(X509Certificate[] issuers) {
            this.issuers = issuers.clone();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }

    }

}
