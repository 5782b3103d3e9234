package dev.edp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Debian's nginx as the reference: it terminates the same device mTLS as E3 (client
 * certificate required, verified against the platform CA chain, the platform's CRL) and
 * proxies to a no-op upstream over keep-alive HTTP/1.1. The same nginx also is that no-op
 * upstream (a plain-HTTP server on loopback answering 204), which E3's benchmark route
 * uses too, so both paths pay the same backend.
 */
final class NginxReference implements AutoCloseable {

    private final Path dir;

    private final int tlsPort;

    private final int noopPort;

    private Process process;

    /**
     * @param dir where the configuration, certificates and logs go
     * @param tlsPort the mTLS port
     * @param noopPort the plain-HTTP no-op upstream's port
     */
    NginxReference(Path dir, int tlsPort, int noopPort) {
        // Absolute: nginx resolves -c and -e against its -p prefix, so a relative --root
        // would name every file twice.
        this.dir = dir.toAbsolutePath();
        this.tlsPort = tlsPort;
        this.noopPort = noopPort;
    }

    static Path binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("nginx is not installed (Debian: apt-get install nginx)");
    }

    /** nginx's master and workers while it runs. */
    Stream<ProcessHandle> processes() {
        return process == null ? Stream.empty() : CpuMeter.withDescendants(Optional.of(process.toHandle()));
    }

    /**
     * Writes the configuration and starts nginx in the foreground of its own process.
     * @param serverCertificatePem nginx's server certificate chain (PEM)
     * @param serverKeyPem its key (PEM, PKCS#8)
     * @param clientCaPem the platform CA chain devices are verified against
     * @param workers nginx worker processes
     */
    void start(String serverCertificatePem, String serverKeyPem, String clientCaPem, int workers)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("server.crt"), serverCertificatePem);
        Files.writeString(dir.resolve("server.key"), serverKeyPem);
        Files.writeString(dir.resolve("client-ca.pem"), clientCaPem);
        Files.writeString(dir.resolve("nginx.conf"), configuration(workers));
        process = new ProcessBuilder(binary().toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("logs/error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/nginx.out").toFile())
            .start();
        // Ctrl-C or a SIGTERM to the bench stops nginx too.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "edp-bench-stop-nginx"));
        awaitPort(tlsPort);
        awaitPort(noopPort);
    }

    /** The configuration: as close to E3's device path as nginx allows. */
    String configuration(int workers) {
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
        return user + """
                worker_processes %d;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections 16384; }
                http {
                  access_log off;
                  client_body_temp_path %s/tmp/body;
                  proxy_temp_path %s/tmp/proxy;
                  fastcgi_temp_path %s/tmp/fastcgi;
                  uwsgi_temp_path %s/tmp/uwsgi;
                  scgi_temp_path %s/tmp/scgi;
                  keepalive_requests 1000000;
                  keepalive_timeout 120s;
                  upstream noop {
                    server 127.0.0.1:%d;
                    keepalive 256;
                  }
                  # The no-op backend of both paths: answers every request at once.
                  server {
                    listen 127.0.0.1:%d;
                    location / { return 204; }
                  }
                  # The reference device endpoint: device mTLS like E3, proxied to the no-op backend.
                  server {
                    listen 127.0.0.1:%d ssl;
                    ssl_protocols TLSv1.2 TLSv1.3;
                    ssl_certificate %s/server.crt;
                    ssl_certificate_key %s/server.key;
                    ssl_client_certificate %s/client-ca.pem;
                    ssl_verify_client on;
                    ssl_verify_depth 3;
                    location / {
                      proxy_pass http://noop;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_set_header X-Device-Subject $ssl_client_s_dn;
                      proxy_set_header X-Device-Serial $ssl_client_serial;
                    }
                  }
                }
                """.formatted(workers, dir, dir, dir, dir, dir, dir, dir, noopPort, noopPort, tlsPort, dir, dir, dir);
    }

    int tlsPort() {
        return tlsPort;
    }

    /**
     * @return the no-op upstream's URL, for E3's benchmark route
     */
    String noopUrl() {
        return "http://127.0.0.1:" + noopPort;
    }

    /**
     * @return the nginx version line
     */
    static String version() {
        try {
            Process version = new ProcessBuilder(binary().toString(), "-v").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes()).strip();
            version.waitFor();
            return text;
        }
        catch (IOException | InterruptedException ex) {
            return "nginx (version unknown)";
        }
    }

    private void awaitPort(int port) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("logs/nginx.out"))
                        + readIfExists(dir.resolve("logs/error.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            }
            catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("nginx did not listen on " + port + " within 30 s");
    }

    private static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

}
