package dev.edp.platform.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UntrustedTextTests {

    @Test
    void nulAndUnpairedSurrogatesAreNotStorableEverythingElseIs() {
        assertThat(UntrustedText.firstUnstorable("1.0\u0000")).isEqualTo(3);
        assertThat(UntrustedText.firstUnstorable("a\ud800")).isEqualTo(1);
        assertThat(UntrustedText.firstUnstorable("a\ud800b")).isEqualTo(1);
        assertThat(UntrustedText.firstUnstorable("\udc00")).isEqualTo(0);
        assertThat(UntrustedText.firstUnstorable("\ude00\ud83d")).isEqualTo(0);
        assertThat(UntrustedText.isStorable("\ud83d\ude00 caf\u00e9 \u0001\u001f\u007f\ufffd")).isTrue();
        assertThat(UntrustedText.isStorable("")).isTrue();
        assertThat(UntrustedText.isStorable(null)).isTrue();
        char[] chars = "xx\u0000yy".toCharArray();
        assertThat(UntrustedText.isStorable(chars, 0, 2)).isTrue();
        assertThat(UntrustedText.isStorable(chars, 1, 2)).isFalse();
    }

    @Test
    void percentDecodingIsStrictUtf8() {
        assertThat(UntrustedText.percentDecode("caf%C3%A9+au+lait", true)).isEqualTo("caf\u00e9 au lait");
        assertThat(UntrustedText.percentDecode("a+b", false)).isEqualTo("a+b");
        assertThat(UntrustedText.percentDecode("%F0%9F%98%80", false)).isEqualTo("\ud83d\ude00");
        assertThat(UntrustedText.percentDecode("%00", true)).isEqualTo("\u0000");
    }

    @ParameterizedTest
    @ValueSource(strings = { "%zz", "100%", "%4", "%C3%28", "%C0%80", "%ED%A0%80", "%FF", "%F4%90%80%80", "%E2%82" })
    void brokenPercentEncodingOrInvalidUtf8IsRefused(String raw) {
        assertThatIllegalArgumentException().isThrownBy(() -> UntrustedText.percentDecode(raw, true));
    }

    @Test
    void aPathIsStorableWhenItDecodesToStorableUtf8() {
        assertThat(UntrustedText.isStorablePath("/api/devices/v1/devices/caf%C3%A9")).isTrue();
        assertThat(UntrustedText.isStorablePath(null)).isTrue();
        assertThat(UntrustedText.isStorablePath("/a%00b")).isFalse();
        assertThat(UntrustedText.isStorablePath("/a%ED%A0%80")).isFalse();
        assertThat(UntrustedText.isStorablePath("/a%zz")).isFalse();
    }

}
