package dev.edp.agent;

import dev.edp.agent.net.NettyHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every agent behaviour of {@link DeviceAgentIntegrationTests} (which answers stop it,
 * which are retried, long-poll, renewal with a new TLS context) over the shared Netty
 * transport the simulator uses instead of the JDK client.
 */
class DeviceAgentOverNettyIntegrationTests extends DeviceAgentIntegrationTests {

    private NettyHttp net;

    @Override
    E3Transport transport() {
        return E3Transport.netty(net);
    }

    @Override
    @BeforeEach
    void startE3() throws Exception {
        net = new NettyHttp(1);
        super.startE3();
    }

    @Override
    @AfterEach
    void stop() {
        try {
            super.stop();
        }
        finally {
            net.close();
        }
    }

}
