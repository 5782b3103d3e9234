package dev.edp.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemsTests {

    @Test
    void privateKeyWithBrokenBase64IsAnIllegalArgumentNotADecoderException() {
        // Found by PemsFuzzTests: BouncyCastle reports bad base64 inside a PEM block with
        // its unchecked DecoderException, which escaped Pems.privateKey (e.g. a damaged
        // key file of the device).
        String pem = "-----BEGIN PRIVATE KEY-----\n\u00e9\u00e9\u00e9\u00e9\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pems.privateKey(pem)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("Unreadable private key");
    }

    @Test
    void garbageCertificatesAreAnIllegalArgument() {
        assertThatThrownBy(() -> Pems.certificates("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"))
            .isInstanceOf(IllegalArgumentException.class);
    }

}
