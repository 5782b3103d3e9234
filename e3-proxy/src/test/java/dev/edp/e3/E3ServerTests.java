package dev.edp.e3;

import java.net.http.HttpClient;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;

/**
 * What a test of a running E3 needs to call its device port: the port, URLs on it and
 * clients of new devices.
 */
abstract class E3ServerTests {

    @Value("${local.server.port}")
    int port;

    String url(String path) {
        return "https://localhost:" + port + path;
    }

    /**
     * @return a client presenting the certificate of a device nobody has seen yet
     */
    HttpClient newDevice() {
        return client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));
    }

}
