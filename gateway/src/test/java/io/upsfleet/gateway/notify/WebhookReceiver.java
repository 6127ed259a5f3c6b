package io.upsfleet.gateway.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real local HTTP server standing in for Slack, Teams and webhook receivers: it records every
 * POST (path, headers, raw body) and answers 200, or 500 for the first {@link #failFirst} posts to
 * a path, or a redirect for {@link #redirect} paths.
 */
final class WebhookReceiver implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One received post. */
  record Post(String path, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase());
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The generic webhook's messages: the body itself, or each of a batch. */
    List<JsonNode> messages() {
      JsonNode j = json();
      List<JsonNode> out = new ArrayList<>();
      if ("BATCH".equals(j.path("kind").asText())) j.path("messages").forEach(out::add);
      else out.add(j);
      return out;
    }
  }

  private final HttpServer server;
  final List<Post> posts = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          Map<String, String> headers = new ConcurrentHashMap<>();
          ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
          posts.add(new Post(path, headers, new String(body, StandardCharsets.UTF_8)));
          CountDownLatch hold = holds.remove(path);
          if (hold != null) {
            try {
              hold.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          String location = redirects.get(path);
          AtomicInteger fail = failures.get(path);
          int status = 200;
          if (location != null) {
            ex.getResponseHeaders().add("Location", location);
            status = 302;
          } else if (fail != null && fail.getAndDecrement() > 0) {
            status = 500;
          }
          byte[] answer = (status == 500 ? "receiver down" : "ok").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, answer.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The first {@code n} posts to {@code path} get a 500. */
  void failFirst(String path, int n) {
    failures.put(path, new AtomicInteger(n));
  }

  /** Posts to {@code path} are answered with a redirect to {@code location}. */
  void redirect(String path, String location) {
    redirects.put(path, location);
  }

  /** The next post to {@code path} gets no answer until the returned latch is counted down. */
  CountDownLatch hold(String path) {
    CountDownLatch latch = new CountDownLatch(1);
    holds.put(path, latch);
    return latch;
  }

  List<Post> to(String path) {
    return posts.stream().filter(p -> p.path().equals(path)).toList();
  }

  /**
   * Verifies {@code X-Upsfleet-Signature} as a receiver would: recompute the HMAC of {@code t.body}
   * with the secret, compare in constant time, refuse a timestamp older than 5 minutes.
   */
  static boolean signatureValid(Post post, String secret, long nowSeconds) throws Exception {
    String header = post.header("X-Upsfleet-Signature");
    if (header == null) return false;
    long t = -1;
    String v1 = null;
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) t = Long.parseLong(part.substring(2));
      if (part.startsWith("v1=")) v1 = part.substring(3);
    }
    if (t < 0 || v1 == null || Math.abs(nowSeconds - t) > 300) return false;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((t + "." + post.body()).getBytes(StandardCharsets.UTF_8));
    return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
