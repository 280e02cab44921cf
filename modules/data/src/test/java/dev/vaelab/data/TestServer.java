package dev.vaelab.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDK's HTTP server on 127.0.0.1 with an ephemeral port, serving canned responses per path. */
final class TestServer implements AutoCloseable {
    /** How one path answers. */
    @FunctionalInterface
    interface Response {
        void send(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    TestServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.start();
    }

    /** Answers requests for {@code path} with {@code response}. */
    TestServer route(String path, Response response) {
        server.createContext(path, exchange -> {
            hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            // An exception thrown here makes the server drop the connection, which some responses want.
            response.send(exchange);
            exchange.close();
        });
        return this;
    }

    /** A base URL for mirrors under {@code prefix}, e.g. {@code /a/}. */
    URI base(String prefix) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** The body with its exact Content-Length. */
    static Response ok(byte[] body) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
    }

    static Response status(int code) {
        return exchange -> exchange.sendResponseHeaders(code, -1);
    }

    /** Announces the full length but sends only the first {@code sent} bytes, then drops the connection. */
    static Response dropsConnection(byte[] body, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            throw new IOException("dropping the connection on purpose");
        };
    }

    /** Announces the full length, sends only the first {@code sent} bytes, then sends nothing until the server stops. */
    Response stalls(byte[] body, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            try {
                stopping.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("dropping the connection on purpose");
        };
    }

    /** A complete chunked response that is simply shorter than the file. */
    static Response shortChunked(byte[] body, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body, 0, sent);
            }
        };
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
