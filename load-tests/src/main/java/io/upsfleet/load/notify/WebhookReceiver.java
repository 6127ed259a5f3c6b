package io.upsfleet.load.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic-webhook receiver on loopback (JDK {@link HttpServer}, a free port): one path per
 * destination ({@code /hook/<n>}), each with the signing secret its destination was created with.
 * Every post is checked as the README tells a receiver to (HMAC-SHA256 of {@code "<t>.<raw body>"}
 * in {@code X-Upsfleet-Signature}, compared in constant time, {@code t} within 5 minutes), and
 * recorded with its arrival time ({@link System#nanoTime()}), its idempotency key ({@code
 * X-Upsfleet-Delivery}) and the messages it carries. A bad signature is answered 401, anything else
 * 200 (a repeated key too: a receiver acknowledges a retry it has already processed).
 */
public final class WebhookReceiver implements AutoCloseable {
  static final String SIGNATURE_HEADER = "X-Upsfleet-Signature";
  static final String DELIVERY_HEADER = "X-Upsfleet-Delivery";
  private static final long TOLERANCE_SECONDS = 300;
  private static final int MAX_BODY = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One post as it arrived.
   *
   * @param nanos arrival ({@link System#nanoTime()}, after the body was read)
   * @param destination the destination's number (its path)
   * @param key the {@code X-Upsfleet-Delivery} header
   * @param signatureValid whether the signature checked out
   * @param notices the messages in the body (several in a batch)
   */
  public record Arrival(
      long nanos, int destination, String key, boolean signatureValid, List<Notice> notices) {}

  /**
   * One message of a post.
   *
   * @param kind {@code EVENT}, {@code BLIP}, {@code FLAPPING}, {@code INCIDENT_OPENED}, {@code
   *     INCIDENT_UPDATED}, {@code INCIDENT_RESOLVED}, {@code TEST}…
   * @param serial the device of a device message, or null
   * @param site the site's name, or null
   * @param eventType the event type, or null
   * @param serials the devices an incident message lists (from its {@code UPSs on battery:} or
   *     {@code UPSs:} line), else empty
   */
  public record Notice(
      String kind, String serial, String site, String eventType, List<String> serials) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<Integer, String> secrets = new ConcurrentHashMap<>();
  private final List<Arrival> arrivals = new ArrayList<>();

  private WebhookReceiver(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a receiver on 127.0.0.1 and a free port. */
  public static WebhookReceiver start() throws IOException {
    return start(0);
  }

  /** Starts a receiver on 127.0.0.1 and {@code port} (0: a free one). */
  public static WebhookReceiver start(int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "webhook-receiver");
              t.setDaemon(true);
              return t;
            });
    WebhookReceiver receiver = new WebhookReceiver(server, executor);
    server.createContext("/hook/", receiver::handle);
    server.setExecutor(executor);
    server.start();
    return receiver;
  }

  /** The URL of destination {@code n}. */
  public String url(int n) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + n;
  }

  /** The signing secret of destination {@code n}. */
  public void secret(int n, String secret) {
    secrets.put(n, secret);
  }

  /** Everything received since the start or the last {@link #clear()}. */
  public List<Arrival> arrivals() {
    synchronized (arrivals) {
      return List.copyOf(arrivals);
    }
  }

  /** Forgets what was received. */
  public void clear() {
    synchronized (arrivals) {
      arrivals.clear();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY);
      }
      long arrived = System.nanoTime();
      int destination;
      try {
        destination =
            Integer.parseInt(exchange.getRequestURI().getPath().substring("/hook/".length()));
      } catch (NumberFormatException e) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String secret = secrets.get(destination);
      boolean valid =
          secret != null
              && verify(
                  secret,
                  exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER),
                  body,
                  System.currentTimeMillis() / 1000);
      List<Notice> notices = valid ? notices(body) : List.of();
      Arrival a =
          new Arrival(
              arrived,
              destination,
              exchange.getRequestHeaders().getFirst(DELIVERY_HEADER),
              valid,
              notices);
      synchronized (arrivals) {
        arrivals.add(a);
      }
      exchange.sendResponseHeaders(valid ? 200 : 401, -1);
    }
  }

  /**
   * Whether {@code header} ({@code t=<unix seconds>,v1=<hex>}) signs {@code body} with {@code
   * secret}, and {@code t} is within 5 minutes of {@code nowSeconds}.
   */
  public static boolean verify(String secret, String header, byte[] body, long nowSeconds) {
    if (header == null) return false;
    Map<String, String> parts = new HashMap<>();
    for (String kv : header.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) parts.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    String t = parts.get("t");
    String v1 = parts.get("v1");
    if (t == null || v1 == null) return false;
    try {
      if (Math.abs(nowSeconds - Long.parseLong(t)) > TOLERANCE_SECONDS) return false;
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body);
      return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  /** The messages of a generic-webhook body: one, or those of a {@code BATCH}. */
  static List<Notice> notices(byte[] body) {
    List<Notice> out = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(body);
      if ("BATCH".equals(root.path("kind").asText())) {
        for (JsonNode m : root.path("messages")) out.add(notice(m));
      } else {
        out.add(notice(root));
      }
    } catch (IOException e) {
      // not JSON: a post without messages
    }
    return out;
  }

  private static Notice notice(JsonNode m) {
    List<String> serials = new ArrayList<>();
    String kind = m.path("kind").asText(null);
    if (kind != null && kind.startsWith("INCIDENT_")) {
      for (JsonNode line : m.path("lines")) {
        String l = line.asText();
        for (String prefix : List.of("UPSs on battery: ", "UPSs: ")) {
          if (l.startsWith(prefix)) {
            for (String s : l.substring(prefix.length()).split(",")) {
              if (!s.isBlank()) serials.add(s.trim());
            }
          }
        }
      }
    }
    return new Notice(
        kind,
        m.path("serial").asText(null),
        m.path("site").asText(null),
        m.path("eventType").asText(null),
        List.copyOf(serials));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
