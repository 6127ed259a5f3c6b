package io.upsfleet.gateway.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A local HTTP server that records every request ("METHOD raw-path") and answers JSON chosen by
 * method: for tests of which calls a client makes (each must be an operation of {@link
 * ApiContract}).
 */
public final class RecordingServer implements AutoCloseable {
  /** One answer: a status and a JSON body. */
  public record Answer(int status, String json) {}

  private final HttpServer server;
  private final List<String> calls = new ArrayList<>();

  /** Starts on a free loopback port, answering each request with {@code answer} of its method. */
  public RecordingServer(Function<String, Answer> answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String method = exchange.getRequestMethod();
          synchronized (calls) {
            calls.add(method + " " + exchange.getRequestURI().getRawPath());
          }
          exchange.getRequestBody().readAllBytes();
          Answer a = answer.apply(method);
          byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(a.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The requests so far, in order. */
  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The recorded requests that are not operations of the OpenAPI document. */
  public List<String> undocumented() {
    List<String> out = new ArrayList<>();
    for (String call : calls()) {
      String[] parts = call.split(" ", 2);
      if (ApiContract.get().operation(parts[0], parts[1]).isEmpty()) out.add(call);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
