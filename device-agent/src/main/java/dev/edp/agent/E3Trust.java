package dev.edp.agent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.edp.agent.net.NettyHttp;

/**
 * What the agent trusts for E3's server certificate: the certificates of a PEM file (the
 * platform CA, or E3's own certificate while E3 is self-signed). Host names are verified
 * by the JDK HttpClient as usual.
 */
public final class E3Trust {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<X509Certificate> anchors;

    private E3Trust(List<X509Certificate> anchors) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("No certificate to trust");
        }
        this.anchors = List.copyOf(anchors);
    }

    /**
     * @param anchors certificates to trust
     * @return a trust of exactly these
     */
    public static E3Trust of(List<X509Certificate> anchors) {
        return new E3Trust(anchors);
    }

    /**
     * @param pemFile a PEM file with one or more certificates
     * @return a trust of the file's certificates
     * @throws IOException if it cannot be read
     */
    public static E3Trust fromPem(Path pemFile) throws IOException {
        return new E3Trust(Pems.certificates(Files.readString(pemFile)));
    }

    /**
     * Trust on first use: the certificate the server presents now is the one trusted from
     * then on. Only for a platform on this machine whose E3 serves a self-signed
     * certificate ({@code ./edp up}); never for a remote E3.
     * @param e3 E3's base URL
     * @return a trust pinned to the presented leaf certificate
     * @throws IOException if E3 cannot be reached
     */
    public static E3Trust presentedBy(URI e3) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            } }, RANDOM);
            int port = e3.getPort() < 0 ? 443 : e3.getPort();
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(e3.getHost(), port)) {
                socket.startHandshake();
                return new E3Trust(List.of((X509Certificate) socket.getSession().getPeerCertificates()[0]));
            }
        }
        catch (GeneralSecurityException ex) {
            throw new IOException(ex);
        }
    }

    /**
     * @return the trusted certificates
     */
    public List<X509Certificate> anchors() {
        return anchors;
    }

    /**
     * @return PEM of the trusted certificates
     */
    public String pem() {
        return Pems.write(anchors);
    }

    /**
     * @param client the device's credentials for mTLS, or null for the public
     * (enrollment) paths
     * @return a TLS context trusting these anchors and presenting the client's
     * certificate
     */
    public SSLContext sslContext(Credentials client) {
        try {
            TrustManagerFactory tmf = NettyHttp.trustManagers(anchors);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("device", client.key(), new char[0], client.chain().toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return context;
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException("Cannot build the TLS context: " + ex.getMessage(), ex);
        }
    }

}
