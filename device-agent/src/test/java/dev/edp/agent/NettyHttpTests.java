package dev.edp.agent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.edp.agent.net.HttpConnection;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.HttpResponseData;
import dev.edp.agent.net.NettyHttp;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The non-blocking client against the in-process E3 (JDK HTTPS server, client
 * certificates, real handshakes).
 */
class NettyHttpTests extends NettyDeviceTests {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private static final byte[] HEARTBEAT = """
            {"uptimeSeconds":5,"agentVersion":"test","memory":{"totalBytes":1,"usedBytes":1}}"""
        .getBytes(StandardCharsets.UTF_8);

    private SslContext deviceTls;

    @BeforeEach
    void deviceTls() {
        deviceTls = NettyHttp.clientContext(keys.getPrivate(), chain(), List.of(e3.ca.root));
    }

    private HttpConnection connect(String host) throws Exception {
        return net.connect(new InetSocketAddress("127.0.0.1", e3.url().getPort()), host, deviceTls, GENEROUS)
            .get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void oneKeepAliveConnectionCarriesRequestsOneAfterAnotherWithTheDeviceCertificate() throws Exception {
        try (HttpConnection connection = connect("localhost")) {
            for (int i = 0; i < 3; i++) {
                HttpResponseData response = connection
                    .send(HttpRequestSpec.postJson("/monitoring/api/v1/heartbeat", HEARTBEAT), GENEROUS)
                    .get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.status()).as(response.text()).isEqualTo(202);
                assertThat(connection.isOpen()).isTrue();
            }
        }
        assertThat(e3.heartbeats.get()).isEqualTo(3);
        assertThat(e3.heartbeatSerials).containsOnly(certificate.getSerialNumber());
    }

    @Test
    void responseTimeoutFailsTheRequestAndClosesTheConnection() throws Exception {
        try (HttpConnection connection = connect("localhost")) {
            // The current ETag makes the long-poll wait 20 s for a change that never
            // comes.
            var parked = connection.send(HttpRequestSpec.get("/devices/api/v1/device/desired-state?wait=20",
                    Map.of("If-None-Match", e3.currentEtag())), Duration.ofMillis(300));
            assertThatThrownBy(() -> parked.get(GENEROUS.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void serverCertificateForAnotherHostIsRefused() {
        assertThatThrownBy(() -> connect("not-e3.example")).isInstanceOf(ExecutionException.class);
    }

}
