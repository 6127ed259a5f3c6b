package io.upsfleet.gateway.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in attacks stay cheap, over real HTTP: password hashing runs on its own small bounded pool
 * (a flood is refused with 503 once it is full, and the API's reads keep being served meanwhile),
 * and failed sign-ins are limited per client address whatever the usernames. The node hashes slowly
 * (3,000,000 PBKDF2 iterations), with one hashing thread and one waiting slot. Client addresses
 * come from {@code X-Forwarded-For}, believed because the test connects from 127.0.0.1, a trusted
 * proxy by default.
 */
class SignInAttacksIT {
  private static final int FAILURES_PER_ADDRESS = 4;
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static GatewayFixture gateway;

  @BeforeAll
  static void startGateway() {
    gateway =
        GatewayFixture.start(
            "sign-in-attacks",
            Map.of(
                "upsfleet.accounts.password-iterations", 3_000_000,
                "upsfleet.accounts.hashing-threads", 1,
                "upsfleet.accounts.hashing-queue", 1,
                "upsfleet.gateway.http.sign-in.failures-per-address", FAILURES_PER_ADDRESS,
                "upsfleet.gateway.http.sign-in.failure-refill", "10m"));
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void manyUsernamesFromOneAddressAreThrottled() throws Exception {
    String attacker = "203.0.113.7";
    // The allowance leaks back continuously (here one per 10 minutes), so the limit bites after
    // FAILURES_PER_ADDRESS failures, or one more when a sliver has leaked back meanwhile.
    HttpResponse<String> throttled = null;
    int attempts = 0;
    while (throttled == null && attempts <= FAILURES_PER_ADDRESS + 1) {
      HttpResponse<String> r = signIn(attacker, "guess-" + attempts, "wrong");
      attempts++;
      if (r.statusCode() == 429) throttled = r;
      else assertEquals(401, r.statusCode(), "attempt " + attempts);
    }
    assertTrue(
        throttled != null && attempts > FAILURES_PER_ADDRESS,
        "429 for a new username from the same address after "
            + FAILURES_PER_ADDRESS
            + " failures; attempts: "
            + attempts);
    int retryAfter = Integer.parseInt(throttled.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
    assertEquals(
        429,
        signIn(attacker, GatewayFixture.SUPPORT_USER, GatewayFixture.SUPPORT_PASSWORD).statusCode(),
        "the address waits, whatever it tries");
    assertEquals(
        200,
        signIn("203.0.113.8", GatewayFixture.SUPPORT_USER, GatewayFixture.SUPPORT_PASSWORD)
            .statusCode(),
        "another address is unaffected");
  }

  @Test
  void aSignInFloodIsBoundedAndDoesNotStarveTheApiReads() throws Exception {
    String token = token("198.51.100.1");
    int flood = 20;
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < flood; i++) {
      calls.add(
          HTTP.sendAsync(
                  signInRequest("10.1.0." + i, "nobody-" + i, "wrong"),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (r, e) -> {
                    answered.incrementAndGet();
                    if (r != null && r.statusCode() == 503) refused.incrementAndGet();
                  }));
    }
    // The pool holds one hash and one waiting; the rest of the flood is refused without waiting.
    await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() > 0);
    HttpResponse<String> read =
        HTTP.send(
            HttpRequest.newBuilder(gateway.httpBase().resolve("/api/v1/devices"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    int answeredWhenRead = answered.get();
    assertEquals(200, read.statusCode(), read.body());
    assertTrue(
        answeredWhenRead < flood,
        "the read was served while sign-ins were still being hashed (answered "
            + answeredWhenRead
            + " of "
            + flood
            + ")");
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    int unauthorized = 0;
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.join();
      if (r.statusCode() == 503) {
        assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
      } else {
        assertEquals(401, r.statusCode(), r.body());
        unauthorized++;
      }
    }
    assertTrue(refused.get() > 0 && unauthorized > 0, refused + " refused, " + unauthorized);
  }

  private static String token(String from) throws Exception {
    HttpResponse<String> r =
        signIn(from, GatewayFixture.SUPPORT_USER, GatewayFixture.SUPPORT_PASSWORD);
    assertEquals(200, r.statusCode(), r.body());
    int start = r.body().indexOf("\"token\":\"") + 9;
    return r.body().substring(start, r.body().indexOf('"', start));
  }

  private static HttpResponse<String> signIn(String from, String username, String password)
      throws Exception {
    return HTTP.send(signInRequest(from, username, password), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest signInRequest(String from, String username, String password) {
    return HttpRequest.newBuilder(gateway.httpBase().resolve("/api/v1/auth/token"))
        .header("Content-Type", "application/json")
        .header("X-Forwarded-For", from)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"))
        .build();
  }
}
