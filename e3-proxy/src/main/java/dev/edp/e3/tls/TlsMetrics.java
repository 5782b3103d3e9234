package dev.edp.e3.tls;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * E3's TLS figures for the "Device path" dashboard and the certificate alert:
 * {@code edp_e3_tls_handshakes_total{outcome=success|failure}} (every handshake on the
 * device port) and {@code edp_e3_server_certificate_expiry_seconds} (time left on the
 * certificate E3 serves now, renewals included), and
 * {@code edp_e3_tls_provider{provider=openssl|jdk}} 1 for the TLS implementation in use.
 */
public final class TlsMetrics {

    private final Counter succeeded;

    private final Counter failed;

    /**
     * @param meters where to register
     * @param served the certificate served now (may change on renewal), or null before
     * the first
     * @param clock the time
     */
    public TlsMetrics(MeterRegistry meters, Supplier<X509Certificate> served, Clock clock) {
        this.succeeded = Counter.builder("edp.e3.tls.handshakes")
            .tag("outcome", "success")
            .description("TLS handshakes on the device port")
            .register(meters);
        this.failed = Counter.builder("edp.e3.tls.handshakes")
            .tag("outcome", "failure")
            .description("TLS handshakes on the device port")
            .register(meters);
        Gauge.builder("edp.e3.server.certificate.expiry", served, source -> {
            X509Certificate certificate = source.get();
            return certificate == null ? Double.NaN : (certificate.getNotAfter().getTime() - clock.millis()) / 1000.0;
        }).baseUnit("seconds").description("Time until the server certificate E3 serves expires").register(meters);
    }

    /**
     * @param meters where to register
     * @param provider {@code openssl} or {@code jdk}
     */
    static void provider(MeterRegistry meters, String provider) {
        Gauge.builder("edp.e3.tls.provider", () -> 1)
            .tag("provider", provider)
            .description("The TLS implementation of the device port (1 for the one in use)")
            .register(meters);
    }

    /**
     * @return a handler to put after the TLS handler of each connection; it removes
     * itself after the handshake
     */
    public ChannelHandler handshakeCounter() {
        return new HandshakeCounter();
    }

    private final class HandshakeCounter extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                (completion.isSuccess() ? succeeded : failed).increment();
                context.pipeline().remove(this);
            }
            super.userEventTriggered(context, event);
        }

    }

}
