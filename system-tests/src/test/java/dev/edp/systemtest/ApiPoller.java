package dev.edp.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;

/**
 * An operator of a fault test: each read of a list of API calls on its own thread, again
 * and again (half a second apart), through the gateway; each answer recorded with the
 * times it was sent and answered, so that a test can say what was seen before, during and
 * after a fault.
 */
final class ApiPoller implements AutoCloseable {

    /**
     * One read through the gateway ({@code status} -1: no answer, {@code code} says why).
     */
    record Sample(String call, Instant sentAt, Instant answeredAt, int status, String contentType, String retryAfter,
            String code) {

        Duration took() {
            return Duration.between(sentAt, answeredAt);
        }

        @Override
        public String toString() {
            return call + " " + status + " " + code + " in " + took().toMillis() + " ms (Retry-After " + retryAfter
                    + ", " + contentType + ")";
        }

    }

    private final HttpClient http;

    private final String gatewayUrl;

    private final List<String> calls;

    private final List<Sample> samples = new CopyOnWriteArrayList<>();

    private final List<Thread> threads = new ArrayList<>();

    private volatile String token;

    private volatile boolean stopped;

    /**
     * @param http the client (HTTP/1.1)
     * @param gatewayUrl the gateway
     * @param calls the paths read, each on its own thread
     */
    ApiPoller(HttpClient http, String gatewayUrl, List<String> calls) {
        this.http = http;
        this.gatewayUrl = gatewayUrl;
        this.calls = List.copyOf(calls);
    }

    void start(String accessToken) {
        token = accessToken;
        for (String call : calls) {
            threads.add(Thread.ofPlatform().name("api-poller " + call).daemon().start(() -> poll(call)));
        }
    }

    /** The token the next reads carry (a fresh one before the last one expires). */
    void token(String accessToken) {
        token = accessToken;
    }

    private void poll(String call) {
        while (!stopped) {
            Instant sent = Instant.now();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + call))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
                String code = null;
                if (response.statusCode() != 200) {
                    try {
                        code = JsonPath.read(response.body(), "$.code");
                    }
                    catch (RuntimeException ex) {
                        code = "(no code: " + response.body() + ")";
                    }
                }
                samples.add(new Sample(call, sent, Instant.now(), response.statusCode(),
                        response.headers().firstValue("Content-Type").orElse(null),
                        response.headers().firstValue("Retry-After").orElse(null), code));
            }
            catch (IOException ex) {
                samples.add(new Sample(call, sent, Instant.now(), -1, null, null, ex.toString()));
            }
            catch (InterruptedException ex) {
                return;
            }
            try {
                Thread.sleep(500);
            }
            catch (InterruptedException ex) {
                return;
            }
        }
    }

    long answered(int status) {
        return samples.stream().filter(s -> s.status() == status).count();
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * @param from the first send time counted
     * @return the reads sent since then
     */
    List<Sample> sentSince(Instant from) {
        return samples.stream().filter(s -> !s.sentAt().isBefore(from)).toList();
    }

    /**
     * Prints, per period and call, the statuses and codes counted and the slowest answer.
     * @param label the test's name, at the start of every line
     * @param period the period of a read, by the time it was sent
     */
    void print(String label, Function<Sample, String> period) {
        Map<String, List<Sample>> byPeriodAndCall = new TreeMap<>();
        for (Sample sample : samples) {
            byPeriodAndCall.computeIfAbsent(period.apply(sample) + " " + sample.call(), key -> new ArrayList<>())
                .add(sample);
        }
        byPeriodAndCall.forEach((key, list) -> {
            Map<String, Long> answers = list.stream()
                .collect(Collectors.groupingBy(s -> s.status() + (s.code() == null ? "" : " " + s.code()), TreeMap::new,
                        Collectors.counting()));
            long slowest = list.stream().mapToLong(s -> s.took().toMillis()).max().orElse(0);
            System.out.printf("%s: %s: %s, slowest %d ms%n", label, key, answers, slowest);
        });
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(70));
        }
    }

}
