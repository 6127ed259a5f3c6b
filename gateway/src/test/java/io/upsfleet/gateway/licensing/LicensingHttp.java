package io.upsfleet.gateway.licensing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.RedeemRequest;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The licensing endpoints over plain HTTP for tests (the Java client has no licensing methods yet):
 * request bodies are the {@code api} DTOs, answers are read back into them. Thread-safe.
 */
final class LicensingHttp {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();
  static final String STANDARD_1Y = "SMARTCONNECT-STANDARD-1Y";
  static final String STANDARD_3Y = "SMARTCONNECT-STANDARD-3Y";
  static final String ADVANCED_1Y = "SMARTCONNECT-ADVANCED-1Y";

  private final URI base;
  private final HttpClient http =
      ContractHttpClient.checked(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build());

  LicensingHttp(URI base) {
    this.base = base;
  }

  /** One answer: status, body and headers, readable as a DTO or a problem. */
  record Reply(int status, String body, HttpHeaders headers) {
    <T> T as(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + type.getSimpleName() + " from " + status + " " + body, e);
      }
    }

    <T> T as(TypeReference<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + type.getType() + " from " + status + " " + body, e);
      }
    }

    Problem problem() {
      return as(Problem.class);
    }

    /** The body, asserting the status first (the body is in the failure message). */
    Reply expect(int expected) {
      assertEquals(expected, status, () -> "unexpected answer: " + status + " " + body);
      return this;
    }
  }

  private HttpRequest request(
      String method, String path, String token, Object body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
      try {
        b.method(
            method,
            HttpRequest.BodyPublishers.ofByteArray(
                body instanceof String s
                    ? s.getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(e);
      }
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  Reply send(String method, String path, String token, Object body, Map<String, String> headers) {
    try {
      HttpResponse<String> r =
          http.send(
              request(method, path, token, body, headers), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  CompletableFuture<Reply> sendAsync(
      String method, String path, String token, Object body, Map<String, String> headers) {
    return http.sendAsync(
            request(method, path, token, body, headers), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Reply(r.statusCode(), r.body(), r.headers()));
  }

  /**
   * A bearer token for {@code username}, issued by the node's accounts service directly: the HTTP
   * sign-in is throttled per client address (10, then one per 6 s), and every test user signs in
   * from 127.0.0.1.
   */
  static String token(GatewayFixture gw, String username, String password) {
    try {
      return gw.node()
          .cluster()
          .accounts()
          .issueToken(username, password)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .orElseThrow(() -> new IllegalStateException("cannot sign in " + username))
          .token();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot sign in " + username, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  Reply get(String path, String token) {
    return send("GET", path, token, null, Map.of());
  }

  // ---------------------------------------------------------------------------------------- orders

  Reply postOrder(String token, LicenseOrderRequest req) {
    return send("POST", "/api/v1/license-orders", token, req, Map.of());
  }

  /** Creates an order of {@code lines} (SKU → quantity, in order) and returns it (201 asserted). */
  LicenseOrderView createOrder(
      String supportToken, String poNumber, String installerEmail, Map<String, Integer> lines) {
    List<LicenseOrderRequest.Line> l = new ArrayList<>();
    lines.forEach((sku, q) -> l.add(new LicenseOrderRequest.Line(sku, q)));
    LicenseOrderRequest req =
        l.size() == 1
            ? new LicenseOrderRequest(
                poNumber, l.get(0).sku(), l.get(0).quantity(), null, "ONLINE", installerEmail)
            : new LicenseOrderRequest(poNumber, null, null, l, "PARTNER", installerEmail);
    return postOrder(supportToken, req).expect(201).as(LicenseOrderView.class);
  }

  LicenseOrderView order(String token, String orderId) {
    return get("/api/v1/license-orders/" + orderId, token).expect(200).as(LicenseOrderView.class);
  }

  /** One line of an order as its entity counts it right now. */
  static EntitlementView line(LicenseOrderView order, String sku) {
    return order.lines().stream()
        .filter(l -> l.sku().equals(sku))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + sku + " in " + order.lines()));
  }

  // ------------------------------------------------------------------------------ codes,
  // assignments

  Reply redeem(String token, String code, String accountId) {
    return send(
        "POST",
        "/api/v1/activation-codes/" + code + "/redeem",
        token,
        accountId == null ? null : new RedeemRequest(accountId),
        Map.of());
  }

  Reply assign(String token, AssignmentRequest req, String idempotencyKey) {
    return send(
        "POST",
        "/api/v1/assignments",
        token,
        req,
        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
  }

  CompletableFuture<Reply> assignAsync(String token, AssignmentRequest req) {
    return sendAsync("POST", "/api/v1/assignments", token, req, Map.of());
  }

  static AssignmentRequest assignment(
      String code, List<String> serials, List<String> skus, boolean preview) {
    return new AssignmentRequest(code, serials, skus, preview, null);
  }

  static AssignmentResult result(Reply r) {
    return r.expect(200).as(AssignmentResult.class);
  }

  // ------------------------------------------------------------------------------------ read side

  DevicePlanView plan(String token, String serial) {
    return get("/api/v1/devices/" + serial + "/plan", token).expect(200).as(DevicePlanView.class);
  }

  List<EntitlementView> entitlements(String token, String accountId) {
    return get("/api/v1/accounts/" + accountId + "/entitlements", token)
        .expect(200)
        .as(new TypeReference<List<EntitlementView>>() {});
  }

  /** The account's entitlements of one SKU, or null when it has none. */
  EntitlementView entitlement(String token, String accountId, String sku) {
    return entitlements(token, accountId).stream()
        .filter(e -> e.sku().equals(sku))
        .findFirst()
        .orElse(null);
  }
}
