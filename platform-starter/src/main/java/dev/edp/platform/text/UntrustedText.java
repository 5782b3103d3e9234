package dev.edp.platform.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rule for text a caller sends: it must be text PostgreSQL can store. PostgreSQL
 * refuses U+0000 in {@code text}, {@code varchar} and {@code jsonb}
 * ({@code invalid byte sequence for
 * encoding "UTF8": 0x00}), and a Java string with an unpaired UTF-16 surrogate (what
 * invalid UTF-8 or a lone {@code \ud800} escape turns into) is written as {@code ?} by
 * the driver, so what was stored is not what was sent. Both are refused at the edge with
 * 400 {@value #CODE}, before any controller or repository runs
 * ({@code dev.edp.platform.input}).
 */
public final class UntrustedText {

    /** The problem code of text that cannot be stored. */
    public static final String CODE = "INVALID_TEXT";

    private UntrustedText() {
    }

    /**
     * @param text text from a caller
     * @return whether PostgreSQL can store it unchanged: no U+0000, no unpaired surrogate
     */
    public static boolean isStorable(CharSequence text) {
        return text == null || firstUnstorable(text) < 0;
    }

    /**
     * @param text text from a caller
     * @return the index of its first U+0000 or unpaired surrogate, or -1 when there is
     * none
     */
    public static int firstUnstorable(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\u0000' || Character.isLowSurrogate(c)) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                }
                else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * @param chars characters from a caller
     * @param offset where they start
     * @param length how many there are
     * @return whether PostgreSQL can store them unchanged
     */
    public static boolean isStorable(char[] chars, int offset, int length) {
        return firstUnstorable(CharBuffer.wrap(chars, offset, length)) < 0;
    }

    /**
     * @param rawPath a request path as sent, percent-encoded
     * @return whether it decodes to UTF-8 text PostgreSQL can store
     */
    public static boolean isStorablePath(String rawPath) {
        try {
            return rawPath == null || isStorable(percentDecode(rawPath, false));
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
    }

    /**
     * Decodes one component of a URL (a path, a query parameter's name or value)
     * strictly: every {@code %XX} must be well-formed and the bytes must be UTF-8.
     * @param raw the component as sent, percent-encoded
     * @param plusIsSpace whether {@code +} means a space (query strings)
     * @return the decoded text
     * @throws IllegalArgumentException when the encoding is broken or the bytes are not
     * UTF-8
     */
    public static String percentDecode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated percent-encoding");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                bytes.write((high << 4) | low);
                i += 2;
            }
            else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            }
            else if (c < 0x80) {
                bytes.write(c);
            }
            else {
                // Already text (a server that handed the component over decoded): keep it
                // as it is.
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new IllegalArgumentException("not UTF-8", ex);
        }
    }

}
