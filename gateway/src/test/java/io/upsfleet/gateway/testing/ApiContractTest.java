package io.upsfleet.gateway.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the contract check refuses: an undeclared status, a wrong content type, a drifting body. */
class ApiContractTest {
  private static final URI ACCOUNT =
      URI.create("http://127.0.0.1:1/api/v1/accounts/0b6a2f4e-9a43-4a8c-8f51-2d7c9a3e4b10");
  private static final Optional<String> JSON = Optional.of("application/json");
  private static final Optional<String> PROBLEM = Optional.of("application/problem+json");
  private static final String ACCOUNT_BODY =
      "{\"id\":\"0b6a2f4e-9a43-4a8c-8f51-2d7c9a3e4b10\",\"name\":\"Acme\","
          + "\"createdAt\":\"2026-12-06T18:00:00.123456Z\"}";

  @Test
  void aResponseAsDeclaredPasses() {
    assertThatCode(() -> ApiContract.check("GET", ACCOUNT, 200, JSON, bytes(ACCOUNT_BODY)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                ApiContract.check(
                    "GET",
                    ACCOUNT,
                    404,
                    PROBLEM,
                    bytes("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}")))
        .doesNotThrowAnyException();
  }

  @Test
  void aRenamedFieldFails() {
    assertThatThrownBy(
            () ->
                ApiContract.check(
                    "GET",
                    ACCOUNT,
                    200,
                    JSON,
                    bytes(ACCOUNT_BODY.replace("\"name\"", "\"title\""))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not fit")
        .hasMessageContaining("title");
  }

  @Test
  void aMalformedInstantFails() {
    assertThatThrownBy(
            () ->
                ApiContract.check(
                    "GET",
                    ACCOUNT,
                    200,
                    JSON,
                    bytes(ACCOUNT_BODY.replace("2026-12-06T18:00:00.123456Z", "yesterday"))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("createdAt");
  }

  @Test
  void anUndeclaredStatusFails() {
    assertThatThrownBy(() -> ApiContract.check("GET", ACCOUNT, 201, JSON, bytes(ACCOUNT_BODY)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not a declared status");
  }

  @Test
  void aWrongContentTypeFails() {
    assertThatThrownBy(
            () ->
                ApiContract.check(
                    "GET", ACCOUNT, 200, Optional.of("text/plain"), bytes(ACCOUNT_BODY)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("content type");
  }

  @Test
  void anErrorThatIsNotAProblemFails() {
    assertThatThrownBy(() -> ApiContract.check("GET", ACCOUNT, 404, JSON, bytes("{}")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () -> ApiContract.check("GET", ACCOUNT, 404, PROBLEM, bytes("{\"title\":\"x\"}")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void anUndocumentedRouteMayOnlyBeRefused() {
    URI nowhere = URI.create("http://127.0.0.1:1/api/v1/nowhere");
    byte[] notFound =
        bytes("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"x\"}");
    assertThatCode(() -> ApiContract.check("GET", nowhere, 404, PROBLEM, notFound))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ApiContract.check("GET", nowhere, 200, JSON, bytes("{}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not an operation");
  }

  @Test
  void pathsOutsideTheApiAreNotChecked() {
    assertThatCode(
            () ->
                ApiContract.check(
                    "GET",
                    URI.create("http://127.0.0.1:1/health/ready"),
                    200,
                    Optional.of("text/plain"),
                    bytes("ok")))
        .doesNotThrowAnyException();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
