package dev.edp.e3.tls;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E3's server TLS context, rebuilt when the acceptable issuers it advertises change.
 * <p>
 * OpenSSL copies the trust manager's accepted issuers into its context once, when the
 * context is built (the JDK asks the trust manager at every handshake). E3's trust
 * anchors come from onboarding and change at runtime (first load after start, CA
 * rotation), so every new connection compares the current anchors with those the context
 * was built with and builds a new context when they differ; open connections keep theirs.
 * Everything else (handlers, engines, session context) is the current context's.
 */
final class IssuerTrackingSslContext extends SslContext {

    private static final Logger log = LoggerFactory.getLogger(IssuerTrackingSslContext.class);

    private record Built(X509Certificate[] issuers, SslContext context) {
    }

    private final Supplier<X509Certificate[]> issuers;

    private final Function<X509Certificate[], SslContext> build;

    private volatile Built built;

    /**
     * @param issuers the trust anchors now (the acceptable issuers)
     * @param build builds a context for given issuers
     */
    IssuerTrackingSslContext(Supplier<X509Certificate[]> issuers, Function<X509Certificate[], SslContext> build) {
        this.issuers = issuers;
        this.build = build;
        X509Certificate[] now = issuers.get();
        this.built = new Built(now, build.apply(now));
    }

    /**
     * @return the context for the trust anchors now, built anew if they changed
     */
    SslContext current() {
        Built seen = built;
        X509Certificate[] now = issuers.get();
        if (Arrays.equals(seen.issuers(), now)) {
            return seen.context();
        }
        synchronized (this) {
            seen = built;
            if (!Arrays.equals(seen.issuers(), now)) {
                seen = new Built(now, build.apply(now));
                built = seen;
                log.info("E3's TLS context rebuilt: it now names {} acceptable issuer(s)", now.length);
            }
            return seen.context();
        }
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return current().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return current().applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return current().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return current().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return current().sessionContext();
    }

    // The handlers come from the current context itself: an OpenSSL context makes them
    // with its faster engine mode, which a handler around newEngine() would not get.

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return current().newHandler(alloc);
    }

    @Override
    public SslHandler newHandler(ByteBufAllocator alloc, Executor delegatedTaskExecutor) {
        return current().newHandler(alloc, delegatedTaskExecutor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return current().newHandler(alloc, executor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        return current().newHandler(alloc, peerHost, peerPort);
    }

    @Override
    public SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort,
            Executor delegatedTaskExecutor) {
        return current().newHandler(alloc, peerHost, peerPort, delegatedTaskExecutor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
            Executor delegatedTaskExecutor) {
        return current().newHandler(alloc, peerHost, peerPort, delegatedTaskExecutor);
    }

}
