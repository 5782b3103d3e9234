package dev.edp.onboarding.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CaKeyProtectorTests {

    static final String CONTEXT = "issuing:abc";

    final CaKeyProtector protector = new CaKeyProtector(EmbeddedCertificateAuthorityTests.bytes(32, 1));

    final KeyPair key = TestPki.ec("secp384r1");

    @Test
    void roundTripsAPrivateKey() {
        byte[] sealed = this.protector.encrypt(this.key.getPrivate(), CONTEXT);

        assertThat(this.protector.decrypt(sealed, CONTEXT)).isEqualTo(this.key.getPrivate().getEncoded());
        PrivateKey decrypted = this.protector.decryptPrivateKey(sealed, CONTEXT, "EC");
        assertThat(Crypto.keyMatches(decrypted, this.key.getPublic())).isTrue();
    }

    @Test
    void formatIsVersionNonceCiphertextAndTag() {
        byte[] pkcs8 = this.key.getPrivate().getEncoded();
        byte[] sealed = this.protector.encrypt(pkcs8, CONTEXT);

        assertThat(sealed[0]).isEqualTo((byte) 1);
        assertThat(sealed).hasSize(1 + 12 + pkcs8.length + 16);
    }

    @Test
    void ciphertextDoesNotContainThePlaintextKey() {
        byte[] pkcs8 = this.key.getPrivate().getEncoded();
        byte[] sealed = this.protector.encrypt(pkcs8, CONTEXT);

        // Not the PKCS#8 encoding, nor any 16-byte window of it (the EC private scalar
        // sits in there).
        for (int i = 0; i + 16 <= pkcs8.length; i++) {
            assertThat(indexOf(sealed, java.util.Arrays.copyOfRange(pkcs8, i, i + 16))).as("window at %d", i)
                .isEqualTo(-1);
        }
    }

    @Test
    void encryptingTwiceGivesDifferentCiphertexts() {
        assertThat(this.protector.encrypt(this.key.getPrivate(), CONTEXT))
            .isNotEqualTo(this.protector.encrypt(this.key.getPrivate(), CONTEXT));
    }

    @Test
    void wrongKeyEncryptionKeyFails() {
        byte[] sealed = this.protector.encrypt(this.key.getPrivate(), CONTEXT);
        CaKeyProtector other = new CaKeyProtector(EmbeddedCertificateAuthorityTests.bytes(32, 2));

        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(() -> other.decrypt(sealed, CONTEXT))
            .withMessageContaining("cannot be decrypted");
    }

    @Test
    void everyTamperedByteIsDetected() {
        byte[] sealed = this.protector.encrypt(this.key.getPrivate(), CONTEXT);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x40;
            int position = i;
            assertThatExceptionOfType(CertificateAuthorityException.class).as("byte %d", position)
                .isThrownBy(() -> this.protector.decrypt(tampered, CONTEXT));
        }
    }

    @Test
    void truncatedCiphertextFails() {
        byte[] sealed = this.protector.encrypt(this.key.getPrivate(), CONTEXT);
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> this.protector.decrypt(java.util.Arrays.copyOf(sealed, sealed.length - 1), CONTEXT));
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> this.protector.decrypt(new byte[5], CONTEXT));
    }

    @Test
    void ciphertextIsBoundToItsContext() {
        byte[] sealed = this.protector.encrypt(this.key.getPrivate(), "issuing:abc");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> this.protector.decrypt(sealed, "root:abc"));
    }

    @Test
    void keyEncryptionKeyMustBe32NonZeroBytes() {
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new CaKeyProtector(new byte[16]));
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new CaKeyProtector(new byte[32]));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> CaKeyProtector.fromBase64("not base64!"));
        byte[] kek = EmbeddedCertificateAuthorityTests.bytes(32, 1);
        byte[] sealed = CaKeyProtector.fromBase64(Base64.getEncoder().encodeToString(kek))
            .encrypt(this.key.getPrivate(), CONTEXT);
        assertThat(this.protector.decrypt(sealed, CONTEXT)).isEqualTo(this.key.getPrivate().getEncoded());
    }

    @Test
    void theCallersKeyArrayCanBeWipedAfterConstruction() {
        byte[] kek = EmbeddedCertificateAuthorityTests.bytes(32, 1);
        CaKeyProtector protector = new CaKeyProtector(kek);
        java.util.Arrays.fill(kek, (byte) 0);
        byte[] sealed = protector.encrypt(this.key.getPrivate(), CONTEXT);
        assertThat(this.protector.decrypt(sealed, CONTEXT)).isEqualTo(this.key.getPrivate().getEncoded());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
