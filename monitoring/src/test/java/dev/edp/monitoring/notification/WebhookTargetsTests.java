package dev.edp.monitoring.notification;

import java.net.InetAddress;
import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which address literals a customer webhook may target (no DNS involved). */
class WebhookTargetsTests {

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
            "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1",
            "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::10.0.0.1", "64:ff9b::a9fe:a9fe" })
    void platformNetworkAddressesAreRefused(String literal) throws Exception {
        assertThat(WebhookTargets.refusal(InetAddress.getByName(literal))).as(literal).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "203.0.113.10", "198.51.100.7", "192.0.2.1", "8.8.8.8", "100.63.255.255", "100.128.0.1",
            "172.15.255.255", "172.32.0.1", "2001:db8::1", "2606:4700::1111", "64:ff9b::808:808" })
    void publicAndDocumentationAddressesAreAllowed(String literal) throws Exception {
        assertThat(WebhookTargets.refusal(InetAddress.getByName(literal))).as(literal).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://localhost/x", "https://LOCALHOST./x", "https://api.localhost/x",
            "https://[::1]:8443/x", "http://127.0.0.1:8080/x", "https://169.254.169.254/latest/meta-data/" })
    void urlsOnThePlatformNetworkAreRefusedWithTheReason(String url) {
        assertThatThrownBy(() -> WebhookTargets.check(URI.create(url))).isInstanceOf(WebhookTargets.NotAllowed.class)
            .hasMessageContaining("host");
    }

}
