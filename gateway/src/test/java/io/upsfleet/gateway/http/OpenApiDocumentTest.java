package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.upsfleet.gateway.testing.ApiContract;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document of {@code /api/v1}: valid OpenAPI 3.1, and exactly the routes the gateway
 * serves — every row of the access table ({@link AccessRules}) and the public routes, no more.
 */
class OpenApiDocumentTest {
  /** The routes served without a token (not in the access table, which is about roles). */
  static final Set<String> PUBLIC =
      Set.of("POST /api/v1/auth/token", "POST /api/v1/reseller/accept", "GET /api/v1/openapi.json");

  @Test
  void theServedDocumentIsValidOpenApi31() throws Exception {
    // What GET /api/v1/openapi.json serves: the resource rendered as JSON.
    String json = Json.MAPPER.writeValueAsString(OpenApiRoutes.document());
    assertThat(validationMessages(json)).isEmpty();
  }

  @Test
  void theValidatorReportsABrokenDocument() throws Exception {
    // The check above would see a dangling reference and a response without a description.
    String json =
        Json.MAPPER
            .writeValueAsString(OpenApiRoutes.document())
            .replace("\"#/components/schemas/DeviceView\"", "\"#/components/schemas/NoSuchView\"")
            .replace("\"description\":\"Revoked\"", "\"summary\":\"Revoked\"");
    assertThat(validationMessages(json)).isNotEmpty();
  }

  @Test
  void everyRouteOfTheAccessTableAndEveryPublicRouteIsDocumentedAndNothingElse() {
    Set<String> served = new TreeSet<>(PUBLIC);
    for (AccessRules.Rule r : AccessRules.RULES) {
      served.add(r.method() + " /api/v1" + r.pattern());
    }
    Set<String> documented = new TreeSet<>(ApiContract.get().byKey().keySet());
    assertThat(documented).as("documented operations").containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void onlyThePublicRoutesGoWithoutABearerToken() {
    assertThat(ApiContract.get().document().path("security").toString())
        .isEqualTo("[{\"bearer\":[]}]");
    for (ApiContract.Operation o : ApiContract.get().operations()) {
      JsonNode security = o.node().path("security");
      String key = o.method() + " " + o.template();
      if (PUBLIC.contains(key)) {
        assertThat(security.isArray() && security.isEmpty()).as(key + " is public").isTrue();
      } else {
        assertThat(security.isMissingNode()).as(key + " keeps the bearer scheme").isTrue();
        assertThat(o.node().path("responses").has("401")).as(key + " declares 401").isTrue();
      }
    }
  }

  @Test
  void everyDeclaredSchemaIsUsed() {
    String all = ApiContract.get().document().toString();
    List<String> unused =
        ApiContract.get().document().path("components").path("schemas").propertyNames().stream()
            .filter(n -> !all.contains("\"#/components/schemas/" + n + "\""))
            .toList();
    assertThat(unused).isEmpty();
  }

  private static List<String> validationMessages(String json) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    return result.getMessages() == null ? List.of() : result.getMessages();
  }
}
