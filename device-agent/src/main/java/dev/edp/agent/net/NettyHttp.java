package dev.edp.agent.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

/**
 * The shared part of the non-blocking client: an event loop group (epoll where the
 * platform has it) and the factory of connections. Thread-safe; one per JVM is enough for
 * tens of thousands of connections.
 */
public final class NettyHttp implements AutoCloseable {

    /** Largest response body accepted (desired states, certificates). */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final EventLoopGroup group;

    private final Class<? extends SocketChannel> channelType;

    /**
     * @param threads event loop threads (1 is plenty for a load generator on a small
     * machine)
     */
    public NettyHttp(int threads) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads,
                Thread.ofPlatform().name("edp-net-", 0).daemon().factory(), io);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * @return the TLS implementation client contexts use: OpenSSL (BoringSSL) when
     * loadable, else the JDK's
     */
    public static SslProvider sslProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A client TLS context (TLS 1.3 and 1.2).
     * @param key the client key, or null for no client certificate
     * @param chain the client certificate and its CA chain, or null
     * @param trustAnchors what to trust for the server's certificate
     * @return the context
     */
    public static SslContext clientContext(PrivateKey key, List<X509Certificate> chain,
            List<X509Certificate> trustAnchors) {
        return clientContext(key, chain, trustManagers(trustAnchors));
    }

    /**
     * A client TLS context (TLS 1.3 and 1.2) with a trust that many contexts share (a
     * fleet of devices trusts the same anchors).
     * @param key the client key, or null for no client certificate
     * @param chain the client certificate and its CA chain, or null
     * @param trust what to trust for the server's certificate, from
     * {@link #trustManagers}
     * @return the context
     */
    public static SslContext clientContext(PrivateKey key, List<X509Certificate> chain, TrustManagerFactory trust) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(sslProvider())
                .protocols("TLSv1.3", "TLSv1.2")
                .trustManager(trust);
            if (key != null) {
                // Not keyManager(key, chain): that goes through a PKCS#12 key store,
                // whose key protection (PBKDF2, 10,000 rounds, once to store and once to
                // read) made each device's context cost about as much as its handshake.
                builder.keyManager(new OneKey(key, chain.toArray(X509Certificate[]::new)));
            }
            return builder.build();
        }
        catch (SSLException ex) {
            throw new IllegalStateException("Cannot build a TLS context: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param trustAnchors the certificates to trust
     * @return PKIX trust in exactly these (host names are checked per connection), to
     * share between contexts
     */
    public static TrustManagerFactory trustManagers(List<X509Certificate> trustAnchors) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < trustAnchors.size(); i++) {
                anchors.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            return factory;
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException("Cannot build the trust: " + ex.getMessage(), ex);
        }
    }

    /** A device's one key and chain, offered for every client certificate request. */
    private static final class OneKey extends X509ExtendedKeyManager {

        private static final String ALIAS = "device";

        private final PrivateKey key;

        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] { ALIAS };
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
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
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

    }

    /**
     * Opens a connection and completes once the TLS handshake is done.
     * @param address where to connect
     * @param host the host name for SNI and certificate verification
     * @param tls the client context (per device certificate)
     * @param timeout connect and handshake timeout
     * @return the open connection
     */
    public CompletableFuture<HttpConnection> connect(InetSocketAddress address, String host, SslContext tls,
            Duration timeout) {
        CompletableFuture<HttpConnection> result = new CompletableFuture<>();
        HttpConnection.Handler handler = new HttpConnection.Handler();
        Bootstrap bootstrap = new Bootstrap().group(group)
            .channel(channelType)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    SslHandler ssl = tls.newHandler(channel.alloc(), host, address.getPort());
                    SSLEngine engine = ssl.engine();
                    SSLParameters parameters = engine.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    engine.setSSLParameters(parameters);
                    ssl.setHandshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    channel.pipeline()
                        .addLast("tls", ssl)
                        .addLast("http", new HttpClientCodec())
                        .addLast("aggregate", new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                        .addLast("edp", handler);
                }
            });
        ChannelFuture connected = bootstrap.connect(address);
        connected.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
                return;
            }
            Channel channel = connected.channel();
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    result.complete(new HttpConnection(channel, host + ":" + address.getPort(), handler));
                }
                else {
                    channel.close();
                    result.completeExceptionally(handshake.cause());
                }
            });
        });
        return result;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

}
