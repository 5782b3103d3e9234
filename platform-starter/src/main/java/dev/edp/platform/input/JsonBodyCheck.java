package dev.edp.platform.input;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.text.UntrustedText;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamFactory;

/**
 * Reads a JSON body once as a token stream, before Spring binds it, and finds the first
 * member name or string value that is not storable text ({@link UntrustedText}), at any
 * depth. The strings Jackson hands to a deserializer are exactly these tokens, so
 * whatever type a body is bound to (records, maps, {@code JsonNode}) nothing unstorable
 * gets through.
 */
public final class JsonBodyCheck {

    private final TokenStreamFactory json;

    /**
     * @param json the application's own token stream factory, so the same JSON is
     * accepted
     */
    public JsonBodyCheck(TokenStreamFactory json) {
        this.json = json;
    }

    /**
     * @param body the whole body
     * @param charset the charset it declares (UTF-8 when it declares none)
     * @return the problem to answer with, or null when every string is storable or the
     * body is not JSON at all (binding then fails with Spring's own
     * {@code MALFORMED_REQUEST_BODY})
     */
    public EdpException check(byte[] body, Charset charset) {
        CharBuffer chars;
        try {
            chars = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body));
        }
        catch (CharacterCodingException ex) {
            return RequestTexts.invalid("body", "", "The request body is not valid " + charset.name() + ".");
        }
        try (JsonParser parser = json.createParser(ObjectReadContext.empty(), chars.array(),
                chars.arrayOffset() + chars.position(), chars.remaining())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME && !UntrustedText.isStorable(parser.currentName())) {
                    String object = pointer(parser.streamReadContext().getParent());
                    return RequestTexts.invalid("body", object, "A member name in " + describe(object)
                            + " contains U+0000 or an unpaired surrogate, which cannot be stored.");
                }
                if (token == JsonToken.VALUE_STRING && !UntrustedText.isStorable(parser.getStringCharacters(),
                        parser.getStringOffset(), parser.getStringLength())) {
                    String field = pointer(parser.streamReadContext());
                    return RequestTexts.invalid("body", field, "The value of " + describe(field)
                            + " contains U+0000 or an unpaired surrogate, which cannot be stored.");
                }
            }
            return null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    private static String pointer(TokenStreamContext context) {
        return context == null ? "" : context.pathAsPointer().toString();
    }

    private static String describe(String pointer) {
        return pointer.isEmpty() ? "the top-level value" : pointer;
    }

}
