package dev.edp.monitoring.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A minimal Server-Sent Events client over the JDK HTTP client, for tests. */
final class SseClient implements AutoCloseable {

    /** One received event; {@code comment} set for comment lines. */
    record Event(String id, String event, String data, String comment) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private final CountDownLatch ended = new CountDownLatch(1);

    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    private SseClient(CompletableFuture<HttpResponse<Stream<String>>> response) {
        this.response = response;
    }

    static SseClient open(String url, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + token);
        headers.forEach(request::header);
        SseClient client = new SseClient(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()));
        client.response.thenAccept(r -> Thread.ofVirtual().start(() -> client.read(r.body())));
        return client;
    }

    HttpResponse<Stream<String>> response() throws Exception {
        return response.get(10, TimeUnit.SECONDS);
    }

    private void read(Stream<String> lines) {
        String id = null;
        String event = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null || event != null) {
                        events.add(new Event(id, event, data == null ? null : data.toString(), null));
                    }
                    id = null;
                    event = null;
                    data = null;
                }
                else if (line.startsWith(":")) {
                    events.add(new Event(null, null, null, line.substring(1)));
                }
                else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                }
                else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                }
                else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(5).stripLeading());
                }
            }
        }
        catch (RuntimeException ex) {
            // Closed.
        }
        finally {
            ended.countDown();
        }
    }

    /**
     * @param timeout how long to wait
     * @return whether the server ended the stream within the timeout
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The events (comments left out) up to and including the first that matches:
     * publishing a marker after what a test expects and reading up to it shows everything
     * that came before, without guessing how long "nothing more arrives" takes.
     * @param last what ends the list
     * @param timeout how long to wait for it
     * @return the events received, the matching one last
     * @throws AssertionError if none matched within the timeout
     */
    List<Event> until(Predicate<Event> last, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> received = new ArrayList<>();
        while (true) {
            Event event = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (event == null) {
                throw new AssertionError("No matching event within " + timeout + "; received " + received);
            }
            received.add(event);
            if (last.test(event)) {
                return received;
            }
        }
    }

    /**
     * @return the next non-comment event within the timeout, or null
     */
    Event next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null || event.comment() == null) {
                return event;
            }
        }
    }

    /**
     * @return the next event or comment within the timeout, or null
     */
    Event nextIncludingComments(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
    }

}
