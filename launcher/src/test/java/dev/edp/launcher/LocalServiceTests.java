package dev.edp.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of waiting for a service share: a process named {@code svc} (logging to
 * a temporary directory) and a local HTTP server answering for it, both stopped after
 * each test.
 */
abstract class LocalServiceTests {

    @TempDir
    Path dir;

    HttpServer server;

    ManagedProcess process;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (server != null) {
            server.stop(0);
        }
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
    }

    /**
     * Starts {@link #server} with one handler.
     * @return its base URL, {@code http://localhost:<port>}
     */
    String serve(String path, HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext(path, handler);
        server.start();
        return "http://localhost:" + server.getAddress().getPort();
    }

    /**
     * @return the started process {@code svc}, logging to {@code svc.log}
     */
    ManagedProcess running(String... command) throws IOException {
        ManagedProcess started = new ManagedProcess("svc", List.of(command), Map.of(), dir, dir.resolve("svc.log"));
        started.start();
        return started;
    }

}
