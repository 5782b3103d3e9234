package dev.edp.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback stand-in for S3 speaking exactly the subset the backup scripts use -
 * PutObject, GetObject, DeleteObject, ListObjectsV2 (with pages of {@code pageSize}
 * keys), path-style - and checking every request the way S3 does: an AWS Signature V4
 * from the one known key pair (region, service {@code s3}), and the declared payload hash
 * against the body. A request it cannot verify is refused with 403
 * {@code SignatureDoesNotMatch}, so a script that signs wrongly fails here as it would
 * against S3. No S3 server runs in this environment; this is what the README calls the
 * stand-in.
 * <p>
 * Public because {@code system-tests} uses it too (through this module's test-jar, which
 * holds only this class): its restore test backs up a running platform's database with
 * the same scripts.
 */
public final class S3StandIn implements AutoCloseable {

    /**
     * The one key pair it accepts ({@code AWS_ACCESS_KEY_ID},
     * {@code AWS_SECRET_ACCESS_KEY}).
     */
    public static final String ACCESS_KEY = "EDPTESTACCESSKEY";

    public static final String SECRET_KEY = "edp/test/secret/key+for/the/stand-in";

    /** The region the signatures must name ({@code S3_REGION}). */
    public static final String REGION = "eu-test-1";

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/s3/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");

    private final HttpServer server;

    private final String bucket;

    private final int pageSize;

    /** key -> object bytes */
    final NavigableMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

    /** every request, e.g. "PUT /bucket/key 200" */
    final List<String> requests = new CopyOnWriteArrayList<>();

    /**
     * Starts it on a free loopback port.
     * @param bucket the only bucket it has
     * @param pageSize keys per ListObjectsV2 page (small, so the scripts' paging is
     * exercised)
     * @throws IOException if it cannot listen
     */
    public S3StandIn(String bucket, int pageSize) throws IOException {
        this.bucket = bucket;
        this.pageSize = pageSize;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * @return its URL ({@code S3_ENDPOINT})
     */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status;
        try {
            status = answer(exchange, body);
        }
        catch (RuntimeException ex) {
            status = send(exchange, 500, "<Error><Code>InternalError</Code><Message>" + ex + "</Message></Error>");
        }
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + status);
    }

    private int answer(HttpExchange exchange, byte[] body) throws IOException {
        String refusal = verify(exchange, body);
        if (refusal != null) {
            return send(exchange, 403,
                    "<Error><Code>SignatureDoesNotMatch</Code><Message>" + refusal + "</Message></Error>");
        }
        String path = exchange.getRequestURI().getPath();
        String prefix = "/" + bucket;
        if (!path.equals(prefix) && !path.startsWith(prefix + "/")) {
            return send(exchange, 404, "<Error><Code>NoSuchBucket</Code></Error>");
        }
        String key = path.length() > prefix.length() + 1 ? path.substring(prefix.length() + 1) : "";
        String method = exchange.getRequestMethod();
        if (key.isEmpty() && method.equals("GET")) {
            return list(exchange, query(exchange.getRequestURI().getRawQuery()));
        }
        switch (method) {
            case "PUT" -> {
                objects.put(key, body);
                exchange.getResponseHeaders().add("ETag", "\"" + HexFormat.of().formatHex(md5(body)) + "\"");
                return send(exchange, 200, "");
            }
            case "GET" -> {
                byte[] object = objects.get(key);
                if (object == null) {
                    return send(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>");
                }
                exchange.sendResponseHeaders(200, object.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(object);
                }
                return 200;
            }
            case "DELETE" -> {
                objects.remove(key);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return 204;
            }
            default -> {
                return send(exchange, 405, "<Error><Code>MethodNotAllowed</Code></Error>");
            }
        }
    }

    private int list(HttpExchange exchange, Map<String, String> query) throws IOException {
        if (!"2".equals(query.get("list-type"))) {
            return send(exchange, 400,
                    "<Error><Code>InvalidArgument</Code><Message>only ListObjectsV2</Message></Error>");
        }
        String prefix = query.getOrDefault("prefix", "");
        String after = query.get("continuation-token");
        List<String> keys = objects.keySet()
            .stream()
            .filter(k -> k.startsWith(prefix))
            .filter(k -> after == null || k.compareTo(after) > 0)
            .toList();
        List<String> page = keys.subList(0, Math.min(pageSize, keys.size()));
        boolean truncated = keys.size() > page.size();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + bucket
                + "</Name><Prefix>" + prefix + "</Prefix><KeyCount>" + page.size() + "</KeyCount><MaxKeys>" + pageSize
                + "</MaxKeys><IsTruncated>" + truncated + "</IsTruncated>");
        if (truncated) {
            xml.append("<NextContinuationToken>").append(page.getLast()).append("</NextContinuationToken>");
        }
        for (String key : page) {
            xml.append("<Contents><Key>")
                .append(key)
                .append("</Key><Size>")
                .append(objects.get(key).length)
                .append("</Size></Contents>");
        }
        return send(exchange, 200, xml.append("</ListBucketResult>").toString());
    }

    /**
     * @return why the request is refused, or null when its signature and payload hash
     * hold
     */
    private String verify(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher auth = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (auth == null || !auth.matches()) {
            return "no AWS4-HMAC-SHA256 authorization";
        }
        if (!auth.group(1).equals(ACCESS_KEY) || !auth.group(3).equals(REGION)) {
            return "unknown access key or region";
        }
        String amzDate = exchange.getRequestHeaders().getFirst("x-amz-date");
        String payloadHash = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
        if (amzDate == null || payloadHash == null || !amzDate.startsWith(auth.group(2))) {
            return "x-amz-date and x-amz-content-sha256 are required";
        }
        List<String> signed = List.of(auth.group(4).split(";"));
        if (!signed.containsAll(List.of("host", "x-amz-date", "x-amz-content-sha256"))) {
            return "host, x-amz-date and x-amz-content-sha256 must be signed";
        }
        if (!payloadHash.equals("UNSIGNED-PAYLOAD") && !payloadHash.equals(hex(sha256(body)))) {
            return "x-amz-content-sha256 does not match the body";
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(exchange.getRequestMethod()).append('\n');
        canonical.append(exchange.getRequestURI().getRawPath()).append('\n');
        canonical
            .append(query(exchange.getRequestURI().getRawQuery()).entrySet()
                .stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&")))
            .append('\n');
        for (String header : signed) {
            String value = exchange.getRequestHeaders()
                .getOrDefault(header, List.of())
                .stream()
                .map(v -> v.trim().replaceAll("\\s+", " "))
                .collect(Collectors.joining(","));
            canonical.append(header).append(':').append(value).append('\n');
        }
        canonical.append('\n').append(auth.group(4)).append('\n').append(payloadHash);
        String scope = auth.group(2) + "/" + REGION + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), auth.group(2));
        key = hmac(key, REGION);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        if (!hex(hmac(key, toSign)).equals(auth.group(5))) {
            return "signature does not match; canonical request was:\n" + canonical;
        }
        return null;
    }

    /** Query parameters decoded and sorted by name (S3's canonical order). */
    static TreeMap<String, String> query(String raw) {
        TreeMap<String, String> parameters = new TreeMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                parameters.put(decode(name), decode(value));
            }
        }
        return parameters;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else
     * %XX.
     */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            }
            else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static int send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    private static byte[] sha256(byte[] data) {
        return digest("SHA-256", data);
    }

    private static byte[] md5(byte[] data) {
        return digest("MD5", data);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * @return a copy of the object keys, for assertions
     */
    public List<String> keys() {
        return new ArrayList<>(objects.keySet());
    }

    /**
     * @return the object's bytes, or null
     */
    public byte[] object(String key) {
        return objects.get(key);
    }

    /**
     * @return a copy of the requests it answered, e.g. {@code "PUT /bucket/key 200"}
     */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
