package dev.edp.platform.input;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.PlatformProblem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The servlet services' door for what a caller sends, run before Spring Security and
 * before any controller, so a refused request has written nothing:
 * <ul>
 * <li>the path, every query parameter (name and value), every form parameter, every
 * header value, and every member name and string value of a JSON body at any depth must
 * be storable text ({@link dev.edp.platform.text.UntrustedText}): otherwise 400
 * {@code INVALID_TEXT} naming where ({@code in}) and which ({@code field});</li>
 * <li>a query parameter value longer than {@code edp.web.max-parameter-length} is 400
 * {@code PARAMETER_TOO_LONG};</li>
 * <li>a body larger than {@code edp.web.max-request-size} is 413
 * {@code REQUEST_TOO_LARGE}: by its {@code Content-Length} before a byte is read, and for
 * a body sent without one (chunked) as soon as the reader passes the limit, so no more
 * than the limit is ever buffered.</li>
 * </ul>
 * JSON bodies are read here (at most the limit), checked, and handed on from memory;
 * other bodies (EST's DER, PEM, anything with a {@code Content-Encoding}) stream through
 * with the byte count, and what reads them keeps its own, lower limits.
 */
public final class RequestInputFilter extends OncePerRequestFilter implements Ordered {

    /**
     * After the character-encoding and observation filters, before Spring Security
     * (-100).
     */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

    private static final JsonMapper PROBLEM_JSON = JsonMapper.builder().build();

    private final long maxRequestBytes;

    private final int maxParameterLength;

    private final JsonBodyCheck json;

    /**
     * @param properties the limits
     * @param json the token stream factory of the application's JSON mapper
     */
    public RequestInputFilter(WebInputProperties properties, TokenStreamFactory json) {
        this.maxRequestBytes = properties.maxRequestSize().toBytes();
        this.maxParameterLength = properties.maxParameterLength();
        this.json = new JsonBodyCheck(json);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest checked;
        try {
            checked = check(request);
        }
        catch (EdpException refused) {
            write(response, refused);
            return;
        }
        chain.doFilter(checked, response);
    }

    private HttpServletRequest check(HttpServletRequest request) {
        RequestTexts.checkPath(request.getRequestURI());
        RequestTexts.checkQuery(request.getQueryString(), maxParameterLength);
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                RequestTexts.checkHeader(name, value);
            }
        }
        long declared = request.getContentLengthLong();
        if (declared > maxRequestBytes) {
            throw RequestTexts.tooLarge(maxRequestBytes);
        }
        if (declared == 0 || (declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null)) {
            return request;
        }
        MediaType type = contentType(request);
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.strip())) {
            // A compressed body is not text until whoever accepts it inflates it: only
            // counted here.
            return new SizeLimitedRequest(request, maxRequestBytes);
        }
        if (type != null && isJson(type)) {
            byte[] body = readLimited(request);
            EdpException invalid = json.check(body, charset(type));
            if (invalid != null) {
                throw invalid;
            }
            return new BufferedBodyRequest(request, body);
        }
        if (type != null && "application".equals(type.getType()) && "x-www-form-urlencoded".equals(type.getSubtype())) {
            // The container parses form bodies itself (and limits them with its
            // maxPostSize).
            request.getParameterMap().forEach((name, values) -> {
                RequestTexts.checkParameterName("form", name);
                for (String value : values) {
                    RequestTexts.checkParameter("form", name, value);
                }
            });
            return request;
        }
        return new SizeLimitedRequest(request, maxRequestBytes);
    }

    private byte[] readLimited(HttpServletRequest request) {
        int limit = (int) Math.min(maxRequestBytes, Integer.MAX_VALUE - 16);
        try {
            byte[] body = request.getInputStream().readNBytes(limit + 1);
            if (body.length > limit) {
                throw RequestTexts.tooLarge(maxRequestBytes);
            }
            return body;
        }
        catch (IOException ex) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY.exception("The request body could not be read.");
        }
    }

    private static MediaType contentType(HttpServletRequest request) {
        String value = request.getContentType();
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return MediaType.parseMediaType(value);
        }
        catch (InvalidMediaTypeException ex) {
            // Spring answers 415 for it; nothing of it is read as text here.
            return null;
        }
    }

    private static boolean isJson(MediaType type) {
        return "application".equals(type.getType())
                && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
    }

    private static Charset charset(MediaType type) {
        try {
            Charset declared = type.getCharset();
            return declared == null ? StandardCharsets.UTF_8 : declared;
        }
        catch (IllegalArgumentException ex) {
            return StandardCharsets.UTF_8;
        }
    }

    private static void write(HttpServletResponse response, EdpException refused) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ProblemDetail problem = refused.getBody();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(PROBLEM_JSON.writeValueAsBytes(body));
        response.flushBuffer();
    }

    /** A JSON body already read and checked, handed to Spring from memory. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new StreamOf(new ByteArrayInputStream(body), null);
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), charsetOf(this)));
        }

    }

    /** Any other body: streamed, counted, refused once it passes the limit. */
    private static final class SizeLimitedRequest extends HttpServletRequestWrapper {

        private final long limit;

        private ServletInputStream stream;

        SizeLimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream original = super.getInputStream();
                stream = new StreamOf(new CountingInputStream(original, limit), original);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return new BufferedReader(new InputStreamReader(getInputStream(), charsetOf(this)));
        }

    }

    private static Charset charsetOf(HttpServletRequest request) {
        String name = request.getCharacterEncoding();
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        }
        catch (IllegalArgumentException ex) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Counts what is read and throws 413 once more than the limit has come. */
    private static final class CountingInputStream extends InputStream {

        private final InputStream delegate;

        private final long limit;

        private long count;

        CountingInputStream(InputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count > limit) {
                throw RequestTexts.tooLarge(limit);
            }
        }

    }

    /**
     * A servlet stream over another stream; the container's stream, if any, answers the
     * async questions.
     */
    private static final class StreamOf extends ServletInputStream {

        private final InputStream delegate;

        private final ServletInputStream container;

        private boolean finished;

        StreamOf(InputStream delegate, ServletInputStream container) {
            this.delegate = delegate;
            this.container = container;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            finished = b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            finished = n < 0;
            return n;
        }

        @Override
        public boolean isFinished() {
            return container == null ? finished : container.isFinished();
        }

        @Override
        public boolean isReady() {
            return container == null || container.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            if (container == null) {
                throw new IllegalStateException("The body was already read; read it blocking.");
            }
            container.setReadListener(listener);
        }

    }

}
