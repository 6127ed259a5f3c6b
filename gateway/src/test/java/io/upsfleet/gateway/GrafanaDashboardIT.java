package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.gateway.tls.LocalCa;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code deploy/grafana} queries only metrics that a node exports: every
 * metric name in every panel's PromQL is a series of a running node's {@code /metrics}.
 */
class GrafanaDashboardIT {
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "upsfleet-gateway.json");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void everyQueriedMetricIsExported() throws Exception {
    List<String> queries = queries();
    assertThat(queries).hasSizeGreaterThan(10);
    Path tls = Files.createTempDirectory("upsfleet-grafana");
    LocalCa ca = LocalCa.openOrCreate(tls);
    try (GatewayFixture gateway =
        GatewayFixture.start(
            "grafana",
            Map.of(
                "upsfleet.tls.cert",
                ca.serverCertFile().toString(),
                "upsfleet.tls.key",
                ca.serverKeyFile().toString(),
                "upsfleet.tls.mqtt-port",
                0,
                "upsfleet.tls.https-port",
                0))) {
      // A device's events give the projections an offset, hence a lag series.
      String account = gateway.support().createAccount("Dashboard").id();
      gateway.support().registerDevice(GatewayFixture.uniqueSerial(), "SMT1500", account);
      HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());
      HttpRequest scrape = HttpRequest.newBuilder(gateway.httpBase().resolve("/metrics")).build();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  http.send(scrape, HttpResponse.BodyHandlers.ofString())
                      .body()
                      .contains("upsfleet_projection_lag_events"));
      Set<String> exported =
          exported(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body());
      Set<String> queried = new TreeSet<>();
      for (String q : queries) queried.addAll(metricNames(q));
      assertThat(queried).hasSizeGreaterThan(10);
      assertThat(exported).containsAll(queried);
    }
  }

  @Test
  void metricNamesAreFoundInPromql() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(mqtt_puback_latency_seconds_bucket{a=\"b\"}[5m])))"))
        .containsExactly("mqtt_puback_latency_seconds_bucket");
    assertThat(metricNames("min(upsfleet_tls_certificate_expiry_seconds) / 86400"))
        .containsExactly("upsfleet_tls_certificate_expiry_seconds");
  }

  private static List<String> queries() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) queries.add(target.path("expr").asText());
    }
    return queries;
  }

  /** The names of the samples in a Prometheus text exposition. */
  private static Set<String> exported(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = IDENTIFIER.matcher(line);
      if (m.lookingAt()) names.add(m.group());
    }
    return names;
  }

  /** The metric names a PromQL expression selects (not functions, keywords or labels). */
  static Set<String> metricNames(String promql) {
    String bare =
        promql
            .replaceAll("\"[^\"]*\"", "")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String token = m.group();
      String rest = bare.substring(m.end()).stripLeading();
      if (KEYWORDS.contains(token) || rest.startsWith("(")) continue;
      names.add(token);
    }
    return names;
  }
}
