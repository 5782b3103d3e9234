package dev.edp.agent;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

import dev.edp.agent.net.NettyHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of the Netty client share: a {@link FakeE3}, a client with one event
 * loop thread, and a device enrolled at that E3, fresh for each test.
 */
abstract class NettyDeviceTests {

    FakeE3 e3;

    NettyHttp net;

    KeyPair keys;

    UUID deviceId;

    X509Certificate certificate;

    @BeforeEach
    void startE3AndEnrollADevice() throws Exception {
        e3 = new FakeE3();
        net = new NettyHttp(1);
        keys = DeviceKeys.generate();
        deviceId = UUID.randomUUID();
        certificate = e3.enroll(DeviceKeys.csr(keys, deviceId.toString()), deviceId);
    }

    @AfterEach
    void stopClientAndE3() {
        net.close();
        e3.close();
    }

    /**
     * @return the device's certificate chain: its certificate, then E3's root
     */
    List<X509Certificate> chain() {
        return List.of(certificate, e3.ca.root);
    }

}
