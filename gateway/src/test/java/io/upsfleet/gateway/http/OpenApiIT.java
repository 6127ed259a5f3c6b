package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/openapi.json} over real HTTP: served without a token, as JSON, and what it
 * serves is a valid OpenAPI 3.1 document (swagger-parser reports no message).
 */
class OpenApiIT {
  private static final HttpClient HTTP = ContractHttpClient.newClient();
  private static GatewayFixture gw;

  @BeforeAll
  static void start() {
    gw = GatewayFixture.start("OpenApiIT");
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void theDocumentIsServedWithoutATokenAndValidatesAsOpenApi31() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(gw.httpBase().resolve("/api/v1/openapi.json")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, null);
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(parsed.getOpenAPI().getPaths()).containsKey("/api/v1/devices/{serial}");
  }

  /**
   * The two operations no other IT answers with a success, so that every operation's success is
   * checked against the document somewhere in the suite.
   */
  @Test
  void aDevicesOperationsAndAnAbortedRolloutFitTheDocument() throws Exception {
    UpsfleetClient support = gw.support();
    String account = support.createAccount("OpenApi-" + GatewayFixture.uniqueSerial()).id();
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", account);

    HttpResponse<String> operations =
        call("GET", "/api/v1/devices/" + serial + "/operations", null);
    assertThat(operations.statusCode()).isEqualTo(200);
    assertThat(operations.body()).contains("\"SELF_TEST\"");

    HttpResponse<String> started =
        call(
            "POST",
            "/api/v1/firmware-rollouts",
            "{\"accountId\":\"" + account + "\",\"serials\":[\"" + serial + "\"]}");
    assertThat(started.statusCode()).isEqualTo(201);
    String id = Json.MAPPER.readTree(started.body()).path("id").asText();
    HttpResponse<String> aborted = call("POST", "/api/v1/firmware-rollouts/" + id + "/abort", null);
    assertThat(aborted.statusCode()).isEqualTo(200);
    assertThat(aborted.body()).contains("\"phase\":\"ABORTED\"");
  }

  private HttpResponse<String> call(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gw.httpBase().resolve(path))
            .header("Authorization", "Bearer " + gw.support().token());
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void otherMethodsOnTheDocumentAreRefusedAsProblems() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(gw.httpBase().resolve("/api/v1/openapi.json"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isIn(401, 404, 405);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }
}
