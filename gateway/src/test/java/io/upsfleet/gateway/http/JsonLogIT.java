package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.account.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The production logging configuration ({@code logback.xml}) with {@code UPSFLEET_LOG_FORMAT=json}
 * writes one JSON object per line, and a request's failure is logged with its request id as a field
 * that a log pipeline can filter on; in text form the id follows the message.
 */
class JsonLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aFailedRequestIsOneJsonLineWithItsRequestId() throws Exception {
    List<String> lines =
        logWith("json", () -> Problems.response(new SQLException("pool closed"), "req-42"));
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.get("level").asText()).isEqualTo("WARN");
    assertThat(line.get("loggerName").asText()).isEqualTo(Problems.class.getName());
    assertThat(line.get("formattedMessage").asText()).contains("pool closed");
    assertThat(line.get("kvpList").toString()).contains("\"requestId\":\"req-42\"");
  }

  @Test
  void aSignedInCallersFailureCarriesTheirAccountAndName() throws Exception {
    UUID account = UUID.fromString("7f9c2b1e-0000-4000-8000-000000000001");
    Principal caller = new Principal(UUID.randomUUID(), "alice", Role.ACCOUNT_OPERATOR, account);
    List<String> lines =
        logWith(
            "json", () -> Problems.response(new IllegalStateException("boom"), "req-44", caller));
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    String kvp = line.get("kvpList").toString();
    assertThat(kvp).contains("\"requestId\":\"req-44\"");
    assertThat(kvp).contains("\"account\":\"" + account + "\"");
    assertThat(kvp).contains("\"user\":\"alice\"");
  }

  @Test
  void inTextTheRequestIdFollowsTheMessage() throws Exception {
    List<String> lines =
        logWith("text", () -> Problems.response(new SQLException("pool closed"), "req-43"));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("pool closed").contains("requestId=\"req-43\"");
  }

  /**
   * Configures a fresh context from logback.xml, capturing standard output while {@code body} runs.
   */
  private static List<String> logWith(String format, Runnable body) throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String before = System.getProperty("UPSFLEET_LOG_FORMAT");
    System.setProperty("UPSFLEET_LOG_FORMAT", format);
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      URL production = JsonLogIT.class.getClassLoader().getResource("logback.xml");
      configurator.doConfigure(production);
      body.run();
    } finally {
      System.setOut(original);
      if (before == null) System.clearProperty("UPSFLEET_LOG_FORMAT");
      else System.setProperty("UPSFLEET_LOG_FORMAT", before);
      context.reset();
      JoranConfigurator restore = new JoranConfigurator();
      restore.setContext(context);
      restore.doConfigure(JsonLogIT.class.getClassLoader().getResource("logback-test.xml"));
    }
    List<String> lines = new ArrayList<>();
    for (String l : captured.toString(StandardCharsets.UTF_8).split("\n"))
      if (!l.isBlank()) lines.add(l);
    return lines;
  }
}
