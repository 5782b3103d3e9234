package dev.edp.monitoring.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Asks health URLs, all at once (a virtual thread each), each bounded by the configured
 * timeout.
 */
@Component
class HealthProbe {

    /** What one check found. */
    record Result(HealthTarget target, boolean up, String detail) {
    }

    private final HttpClient http;

    private final Duration timeout;

    private final JsonMapper json;

    HealthProbe(HealthProperties properties, JsonMapper json) {
        this.timeout = properties.timeout();
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    List<Result> check(List<HealthTarget> targets) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Result>> futures = new ArrayList<>();
            for (HealthTarget target : targets) {
                futures.add(threads.submit(() -> check(target)));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> future : futures) {
                results.add(future.get());
            }
            return results;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
    }

    Result check(HealthTarget target) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target.url()))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build(), HttpResponse.BodyHandlers.ofString());
            String status = status(response.body());
            if (response.statusCode() / 100 != 2) {
                return new Result(target, false,
                        "HTTP " + response.statusCode() + (status == null ? "" : ", status " + status));
            }
            if (status != null && !"UP".equalsIgnoreCase(status)) {
                return new Result(target, false, "status " + status);
            }
            return new Result(target, true, status == null ? "HTTP " + response.statusCode() : "status UP");
        }
        catch (HttpTimeoutException ex) {
            return new Result(target, false, "no answer within " + timeout.toMillis() + " ms");
        }
        catch (ConnectException ex) {
            return new Result(target, false, "connection refused");
        }
        catch (IOException | IllegalArgumentException ex) {
            return new Result(target, false,
                    ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Result(target, false, "interrupted");
        }
    }

    private String status(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode status = json.readTree(body).get("status");
            return status != null && status.isString() ? status.asString() : null;
        }
        catch (RuntimeException ex) {
            return null;
        }
    }

}
