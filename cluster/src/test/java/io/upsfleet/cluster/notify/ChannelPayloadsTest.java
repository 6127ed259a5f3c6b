package io.upsfleet.cluster.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What each channel receives: the shapes Slack, Teams Workflows and receivers expect, with
 * device-supplied text made harmless for each.
 */
class ChannelPayloadsTest {
  private static final String EVIL = "<b>*x*</b> & <!here> [link](http://evil) {{DATE(now)}} ${x}";
  private static final Message M =
      new Message(
          "EVENT",
          "UPS AS1036123456: self test failed",
          "WARNING",
          List.of("reason: " + EVIL),
          "AS1036123456",
          "Lyon <2>",
          "SELF_TEST_FAILED",
          Instant.parse("2026-12-06T14:02:00Z"));

  /**
   * Adaptive Cards 1.4 in the Workflows envelope, strict (test resource {@code
   * notify/teams-adaptive-card-1.4.schema.json}: unknown element types, properties and enum values
   * fail).
   */
  private static final Schema TEAMS_CARD = teamsSchema();

  private static Schema teamsSchema() {
    try (InputStream in =
        ChannelPayloadsTest.class.getResourceAsStream(
            "/notify/teams-adaptive-card-1.4.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Error> teamsErrors(String json) {
    return TEAMS_CARD.validate(json, InputFormat.JSON);
  }

  @Test
  void teamsCardsValidateAgainstTheAdaptiveCardSchema() {
    Message noSite =
        new Message(
            "EVENT",
            "UPS AS1036123457: on battery",
            "CRITICAL",
            List.of(),
            "AS1036123457",
            null,
            "ON_BATTERY",
            Instant.parse("2026-12-06T14:02:00Z"));
    Message incident =
        new Message(
            "INCIDENT",
            "Site Lyon-2: 12 of 14 UPSs on battery",
            "CRITICAL",
            List.of("since 14:02", EVIL),
            null,
            "Lyon-2",
            "SITE_OUTAGE",
            Instant.parse("2026-12-06T14:02:00Z"));
    for (List<Message> batch :
        List.of(List.of(M), List.of(noSite), List.of(incident), List.of(M, noSite, incident)))
      assertThat(teamsErrors(ChannelPayloads.teams(batch))).as(batch.toString()).isEmpty();
  }

  @Test
  void theTeamsSchemaRefusesWhatTeamsWouldNotRender() throws Exception {
    JsonNode good = ChannelPayloads.JSON.readTree(ChannelPayloads.teams(List.of(M)));
    ObjectNode badWeight = good.deepCopy();
    ((ObjectNode) badWeight.at("/attachments/0/content/body/0")).put("weight", "Bold");
    ObjectNode unknownElement = good.deepCopy();
    ((ObjectNode) unknownElement.at("/attachments/0/content/body/0")).put("type", "RichTextBlock");
    ObjectNode oldConnector = good.deepCopy();
    oldConnector.put("@type", "MessageCard");
    ObjectNode noText = good.deepCopy();
    ((ObjectNode) noText.at("/attachments/0/content/body/0")).remove("text");
    for (ObjectNode bad : List.of(badWeight, unknownElement, oldConnector, noText))
      assertThat(teamsErrors(bad.toString())).as(bad.toString()).isNotEmpty();
  }

  @Test
  void teamsGetsAnAdaptiveCardInTheWorkflowsAttachmentsEnvelope() throws Exception {
    JsonNode j = ChannelPayloads.JSON.readTree(ChannelPayloads.teams(List.of(M, M)));
    assertThat(j.path("type").asText()).isEqualTo("message");
    assertThat(j.path("attachments")).hasSize(1);
    JsonNode a = j.path("attachments").get(0);
    assertThat(a.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
    assertThat(a.has("contentUrl")).isTrue();
    JsonNode card = a.path("content");
    assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
    assertThat(card.path("version").asText()).isEqualTo("1.4");
    // Only element types of Adaptive Cards 1.4, each with its required properties.
    Set<String> elements = Set.of("TextBlock", "Container", "FactSet");
    card.path("body").forEach(e -> checkElement(e, elements));
    assertThat(card.toString())
        .doesNotContain("[link](")
        .doesNotContain("{{")
        .doesNotContain("*x*")
        .contains("\\\\[link\\\\]");
  }

  private static void checkElement(JsonNode e, Set<String> allowed) {
    assertThat(allowed).contains(e.path("type").asText());
    switch (e.path("type").asText()) {
      case "TextBlock":
        assertThat(e.path("text").isTextual()).isTrue();
        break;
      case "Container":
        assertThat(e.path("items").isArray()).isTrue();
        e.path("items").forEach(i -> checkElement(i, allowed));
        break;
      case "FactSet":
        e.path("facts")
            .forEach(
                f -> {
                  assertThat(f.path("title").isTextual()).isTrue();
                  assertThat(f.path("value").isTextual()).isTrue();
                });
        break;
      default:
        throw new AssertionError(e.toString());
    }
  }

  @Test
  void slackGetsBlockKitWithMrkdwnEscaped() throws Exception {
    JsonNode j = ChannelPayloads.JSON.readTree(ChannelPayloads.slack(List.of(M)));
    assertThat(j.path("text").asText()).isNotBlank();
    assertThat(j.path("blocks").get(0).path("type").asText()).isEqualTo("header");
    String section = j.path("blocks").get(1).path("text").path("text").asText();
    assertThat(section)
        .contains("&lt;b&gt;")
        .contains("&amp;")
        .contains("&lt;!here&gt;")
        .doesNotContain("<!here>")
        .doesNotContain("*x*");
    String context = j.path("blocks").get(2).path("elements").get(0).path("text").asText();
    assertThat(context).contains("Lyon &lt;2&gt;");
  }

  @Test
  void aWebhookBatchListsItsMessagesUnderOneId() throws Exception {
    JsonNode one = ChannelPayloads.JSON.readTree(ChannelPayloads.webhook("k1", List.of(M)));
    assertThat(one.path("id").asText()).isEqualTo("k1");
    assertThat(one.path("kind").asText()).isEqualTo("EVENT");
    assertThat(one.path("lines").get(0).asText()).isEqualTo("reason: " + EVIL);
    JsonNode batch = ChannelPayloads.JSON.readTree(ChannelPayloads.webhook("b", List.of(M, M)));
    assertThat(batch.path("kind").asText()).isEqualTo("BATCH");
    assertThat(batch.path("messages")).hasSize(2);
  }

  @Test
  void emailIsHtmlEscapedWithAPlainTextPart() {
    ChannelPayloads.Email e = ChannelPayloads.email(List.of(M));
    assertThat(e.subject()).isEqualTo("[upsfleet] UPS AS1036123456: self test failed");
    assertThat(e.html()).contains("&lt;b&gt;*x*&lt;/b&gt; &amp;").doesNotContain("<b>*x*</b>");
    assertThat(e.text()).contains(EVIL);
  }

  @Test
  void theSignatureIsTheHmacOfTimestampDotBody() {
    String header = WebhookSignature.header("whsec_test", 1_700_000_000L, "{\"a\":1}");
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    assertThat(header)
        .isEqualTo(
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
  }
}
