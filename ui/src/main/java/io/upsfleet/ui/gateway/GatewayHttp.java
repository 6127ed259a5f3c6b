package io.upsfleet.ui.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.upsfleet.api.rest.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The transport shared by every signed-in user: one {@link HttpClient} (its own connection pool),
 * the gateway's base URL and bounded timeouts. Non-2xx answers become {@link GatewayException}.
 * Thread-safe.
 */
final class GatewayHttp {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private final URI base;
  private final HttpClient client;
  private final Duration requestTimeout;

  GatewayHttp(URI base, Duration connectTimeout, Duration requestTimeout) {
    this.base = base;
    this.requestTimeout = requestTimeout;
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  URI base() {
    return base;
  }

  /**
   * Sends one request. {@code type} null means the body is ignored. {@code forwardedFor} names the
   * browser's address on sign-in so that the gateway throttles per person, not per console.
   */
  <T> T call(
      String method,
      String path,
      Object body,
      String token,
      String forwardedFor,
      TypeReference<T> type) {
    HttpResponse<String> r;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(requestTimeout)
              .header("Accept", "application/json");
      if (token != null) b.header("Authorization", "Bearer " + token);
      if (forwardedFor != null && !forwardedFor.isBlank())
        b.header("X-Forwarded-For", forwardedFor);
      if (body != null) {
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GatewayException(
          "The gateway cannot be reached (" + base + "). Please try again shortly.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException("The request was interrupted.", e);
    }
    if (r.statusCode() / 100 != 2) throw failure(r);
    if (type == null || r.body() == null || r.body().isEmpty()) return null;
    try {
      return JSON.readValue(r.body(), type);
    } catch (IOException e) {
      throw new GatewayException("The gateway sent an answer the console does not understand.", e);
    }
  }

  /** Opens a download; a non-2xx answer is thrown as a {@link GatewayException}. */
  InputStream stream(String path, String token) {
    try {
      HttpResponse<InputStream> r =
          client.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() / 100 == 2) return r.body();
      try (InputStream in = r.body()) {
        String body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        throw failure(r.statusCode(), body);
      }
    } catch (IOException e) {
      throw new GatewayException(
          "The gateway cannot be reached (" + base + "). Please try again shortly.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException("The request was interrupted.", e);
    }
  }

  private static GatewayException failure(HttpResponse<String> r) {
    return failure(r.statusCode(), r.body());
  }

  private static GatewayException failure(int status, String body) {
    Problem p = null;
    if (body != null && body.trim().startsWith("{")) {
      try {
        p = JSON.readValue(body, Problem.class);
        if (p.title() == null && p.detail() == null) p = null;
      } catch (IOException e) {
        // not a problem document: fall back to a sentence for the status
      }
    }
    return new GatewayException(status, p, null);
  }

  static String query(Map<String, String> params) {
    if (params == null || params.isEmpty()) return "";
    return "?"
        + params.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
