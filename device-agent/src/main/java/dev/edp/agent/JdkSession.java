package dev.edp.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * {@link E3Transport#jdk()}: a JDK {@code HttpClient} (HTTP/1.1) whose TLS context
 * carries one device certificate. The client owns a selector thread: one agent per JVM is
 * its case.
 */
final class JdkSession implements E3Transport.Session {

    private final String origin;

    private final HttpClient http;

    /**
     * @param e3 E3's URL (scheme and authority used) @param tls the device's TLS context
     */
    JdkSession(URI e3, SSLContext tls) {
        this.origin = e3.getScheme() + "://" + e3.getRawAuthority();
        this.http = HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    }

    @Override
    public E3Transport.Response send(E3Transport.Request request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(origin + request.target()))
            .timeout(request.timeout());
        request.headers().forEach(builder::header);
        builder.method(request.method(), request.body().length == 0 && request.method().equals("GET")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.putIfAbsent(name.toLowerCase(Locale.ROOT), values.getFirst());
            }
        });
        return new E3Transport.Response(response.statusCode(), headers, response.body());
    }

    @Override
    public void shutdown() {
        http.shutdown();
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

}
