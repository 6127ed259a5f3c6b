package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that are wrong before any route sees them — a URI over the length limit, bad
 * percent-encoding in the path or the query — are answered as problem+json like every other error,
 * the node keeps serving, and every routed response carries its request id and {@code
 * X-Content-Type-Options: nosniff}. Sent over a raw socket: an HTTP client library would refuse to
 * send most of them.
 */
class HttpEdgeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayFixture gw;
  private static String token;

  @BeforeAll
  static void start() throws IOException {
    gw = GatewayFixture.start("HttpEdgeIT", Map.of());
    Raw signIn =
        send(
            "POST /api/v1/auth/token HTTP/1.1\r\nContent-Type: application/json\r\n",
            "{\"username\":\""
                + GatewayFixture.SUPPORT_USER
                + "\",\"password\":\""
                + GatewayFixture.SUPPORT_PASSWORD
                + "\"}");
    assertThat(signIn.status).as(signIn.body).isEqualTo(200);
    token = JSON.readTree(signIn.body).get("token").asText();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void aUriOverTheLimitIsAProblem414() throws IOException {
    Raw r = get("/api/v1/devices?q=" + "a".repeat(5000));
    assertProblem(r, 414);
    assertThat(JSON.readTree(r.body).get("detail").asText()).contains("URI length");
    assertStillServing();
  }

  @Test
  void badPercentEncodingInThePathIsAProblem400() throws IOException {
    Raw r = get("/api/v1/devices/AS%ZZ1234");
    assertProblem(r, 400);
    assertStillServing();
  }

  @Test
  void badPercentEncodingInTheQueryIsAProblem400() throws IOException {
    Raw r = get("/api/v1/devices?site=%ZZ");
    assertProblem(r, 400);
    assertStillServing();
  }

  @Test
  void aRequestIdIsEchoedWhenPlainAndMadeOtherwise() throws IOException {
    Raw given = send("GET /health/alive HTTP/1.1\r\nX-Request-Id: order-42.retry_1\r\n", null);
    assertThat(given.status).isEqualTo(200);
    assertThat(given.headers).containsEntry("x-request-id", "order-42.retry_1");
    assertThat(given.headers).containsEntry("x-content-type-options", "nosniff");

    Raw made = send("GET /health/alive HTTP/1.1\r\n", null);
    assertThat(made.headers.get("x-request-id")).matches("[0-9a-f]{24}");

    Raw replaced =
        send("GET /health/alive HTTP/1.1\r\nX-Request-Id: " + "x".repeat(65) + "\r\n", null);
    assertThat(replaced.headers.get("x-request-id")).matches("[0-9a-f]{24}");
    Raw odd = send("GET /health/alive HTTP/1.1\r\nX-Request-Id: a b<script>\r\n", null);
    assertThat(odd.headers.get("x-request-id")).matches("[0-9a-f]{24}");
  }

  @Test
  void problemsCarryTheRequestIdAndNosniff() throws IOException {
    Raw r =
        send(
            "GET /api/v1/devices/NOSUCHSERIAL1 HTTP/1.1\r\nX-Request-Id: trace-7\r\n"
                + "Authorization: Bearer "
                + token
                + "\r\n",
            null);
    assertProblem(r, 404);
    assertThat(r.headers).containsEntry("x-request-id", "trace-7");
    assertThat(r.headers).containsEntry("x-content-type-options", "nosniff");
  }

  private static void assertProblem(Raw r, int status) throws IOException {
    assertThat(r.status).as(r.head + r.body).isEqualTo(status);
    assertThat(r.headers.get("content-type")).startsWith("application/problem+json");
    JsonNode p = JSON.readTree(r.body);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("title").asText()).isNotBlank();
  }

  private static void assertStillServing() throws IOException {
    Raw r = get("/api/v1/devices?size=1");
    assertThat(r.status).as(r.body).isEqualTo(200);
  }

  private static Raw get(String target) throws IOException {
    return send("GET " + target + " HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\n", null);
  }

  /** One request on its own connection: the request line and headers given, then Host and Close. */
  private static Raw send(String head, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", gw.httpBase().getPort())) {
      s.setSoTimeout(15_000);
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String request =
          head
              + "Host: localhost\r\nConnection: close\r\n"
              + (body == null ? "" : "Content-Length: " + b.length + "\r\n")
              + "\r\n";
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      String responseHead = all.substring(0, split);
      String[] lines = responseHead.split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      return new Raw(
          Integer.parseInt(lines[0].split(" ")[1]),
          responseHead,
          headers,
          all.substring(split + 4));
    }
  }

  private record Raw(int status, String head, Map<String, String> headers, String body) {}
}
