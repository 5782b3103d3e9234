package dev.edp.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

import dev.edp.agent.net.NettyHttp;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

/**
 * {@link FakeE3}'s requests served by Netty (epoll, BoringSSL when loadable), client
 * certificates optional and verified against the test CA, keep-alive, each request
 * answered on a virtual thread (a long-poll blocks it). The server side of the
 * simulator's fleet tests: the JDK's server spends several times the CPU per handshake.
 */
final class NettyE3Server implements AutoCloseable {

    private final EventLoopGroup group;

    private final Channel listener;

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();

    NettyE3Server(TestCa ca, FakeE3 e3) throws Exception {
        SslContext tls = SslContextBuilder.forServer(ca.serverKeys.getPrivate(), ca.server, ca.root)
            .sslProvider(NettyHttp.sslProvider())
            .clientAuth(ClientAuth.OPTIONAL)
            .trustManager(ca.root)
            .protocols("TLSv1.3", "TLSv1.2")
            .build();
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, Thread.ofPlatform().name("fake-e3-", 0).daemon().factory(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline()
                        .addLast("tls", tls.newHandler(channel.alloc()))
                        .addLast("http", new HttpServerCodec())
                        .addLast("aggregate", new HttpObjectAggregator(1 << 20))
                        .addLast("e3", new Requests(e3));
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        handlers.shutdownNow();
    }

    private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final FakeE3 e3;

        Requests(FakeE3 e3) {
            this.e3 = e3;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            int query = request.uri().indexOf('?');
            byte[] body = ByteBufUtil.getBytes(request.content());
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            X509Certificate client = clientCertificate(context);
            int port = ((InetSocketAddress) context.channel().remoteAddress()).getPort();
            FakeE3.Call call = new FakeE3.Call() {
                @Override
                public String path() {
                    return uri.path();
                }

                @Override
                public String query() {
                    return query < 0 ? null : request.uri().substring(query + 1);
                }

                @Override
                public String header(String name) {
                    return headers.get(name.toLowerCase(Locale.ROOT));
                }

                @Override
                public byte[] body() {
                    return body;
                }

                @Override
                public X509Certificate clientCertificate() {
                    return client;
                }

                @Override
                public int remotePort() {
                    return port;
                }

                @Override
                public void respond(int status, Map<String, String> answerHeaders, byte[] bytes) {
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
                    answerHeaders.forEach((name, value) -> response.headers().set(name, value));
                    HttpUtil.setContentLength(response, bytes.length);
                    if (!keepAlive) {
                        response.headers().set(HttpHeaderNames.CONNECTION, "close");
                    }
                    var written = context.writeAndFlush(response);
                    if (!keepAlive) {
                        written.addListener(done -> context.close());
                    }
                }
            };
            handlers.execute(() -> {
                try {
                    e3.handle(call);
                }
                catch (IOException | RuntimeException ex) {
                    context.close();
                }
            });
        }

        private static X509Certificate clientCertificate(ChannelHandlerContext context) {
            try {
                return (X509Certificate) context.pipeline()
                    .get(SslHandler.class)
                    .engine()
                    .getSession()
                    .getPeerCertificates()[0];
            }
            catch (SSLPeerUnverifiedException ex) {
                return null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }

    }

}
