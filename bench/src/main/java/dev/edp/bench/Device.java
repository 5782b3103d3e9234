package dev.edp.bench;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

import dev.edp.agent.net.NettyHttp;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;

/**
 * One enrolled benchmark device: its key and certificate chain and two TLS contexts per
 * server trust, one that may resume sessions (keep-alive runs) and one that never does
 * (fresh handshakes).
 *
 * @param id the device id (the certificate's CN)
 * @param key its private key
 * @param chain its certificate, then the CA chain
 */
record Device(UUID id, PrivateKey key, List<X509Certificate> chain) {

    /**
     * @return a TLS context presenting this device's certificate and trusting
     * {@code anchors}
     */
    SslContext tls(List<X509Certificate> anchors) {
        return NettyHttp.clientContext(key, chain, anchors);
    }

    /**
     * @return as {@link #tls}, but without a session cache, so every connection is a full
     * handshake
     */
    SslContext freshTls(List<X509Certificate> anchors) {
        SslContext context = NettyHttp.clientContext(key, chain, anchors);
        if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
            sessions.setSessionCacheEnabled(false);
        }
        else {
            context.sessionContext().setSessionTimeout(1);
            context.sessionContext().setSessionCacheSize(1);
        }
        return context;
    }
}
