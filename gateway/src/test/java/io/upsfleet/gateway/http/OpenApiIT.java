package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
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
