package io.upsfleet.ui.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client against a stub HTTP server: what it sends, and how it reads answers and problems.
 */
class HttpGatewayClientTest {
  private HttpServer server;
  private Gateway gateway;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String body = "{}";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String sent = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " auth="
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " xff="
                  + ex.getRequestHeaders().getFirst("X-Forwarded-For")
                  + " body="
                  + sent);
          byte[] out = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", contentType);
          ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          if (out.length > 0) ex.getResponseBody().write(out);
          ex.close();
        });
    server.start();
    gateway =
        new Gateway(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void signInSendsCredentialsAndTheBrowsersAddress() {
    body =
        "{\"token\":\"t1\",\"expiresAt\":\"2026-11-28T12:00:00Z\",\"username\":\"ann\",\"role\":\"SUPPORT\"}";
    var t = gateway.signIn("ann", "secret-pw", "10.1.2.3");
    assertThat(t.token()).isEqualTo("t1");
    assertThat(t.role()).isEqualTo("SUPPORT");
    assertThat(requests.get(0))
        .startsWith("POST /api/v1/auth/token auth=null xff=10.1.2.3")
        .contains("\"username\":\"ann\"", "\"password\":\"secret-pw\"");
  }

  @Test
  void devicesCarriesTheTokenFiltersAndPage() {
    body =
        "{\"items\":[{\"serial\":\"AS1036000001\",\"model\":\"SMT1500C\",\"online\":true,\"status\":[\"OL\"],"
            + "\"health\":\"OK\"}],\"page\":2,\"size\":50,\"total\":101}";
    var page = gateway.client("tok").devices(new DeviceQuery("ON_BATTERY", " AS10 ", null, 2, 50));
    assertThat(page.total()).isEqualTo(101);
    assertThat(page.items())
        .singleElement()
        .satisfies(d -> assertThat(d.serial()).isEqualTo("AS1036000001"));
    assertThat(requests.get(0))
        .startsWith("GET /api/v1/devices?status=ON_BATTERY&q=AS10&page=2&size=50 auth=Bearer tok");
  }

  @Test
  void aReportIsStreamedWithTheTokenAndTheListsFilters() throws Exception {
    contentType = "text/csv; charset=UTF-8";
    body = "serial,model\r\nAS1036000001,SMT1500C\r\n";
    try (var in =
        gateway.client("tok").report("acc-1", "my-renewals.csv", Map.of("plan", "ADVANCED"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
    }
    assertThat(requests.get(0))
        .startsWith(
            "GET /api/v1/accounts/acc-1/reports/my-renewals.csv?plan=ADVANCED auth=Bearer tok");
  }

  @Test
  void aRefusedReportIsTheGatewaysProblem() {
    status = 404;
    contentType = "application/problem+json";
    body = "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no account x\"}";
    GatewayClient client = gateway.client("tok");
    assertThatThrownBy(() -> client.report("x", "my-inventory.xlsx", Map.of()))
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("no account x");
  }

  @Test
  void commandsAreSentWithoutNullFields() {
    status = 202;
    body =
        "{\"id\":\"c1\",\"serial\":\"AS1036000001\",\"type\":\"SELF_TEST\",\"status\":\"PENDING\"}";
    var c = gateway.client("tok").sendCommand("AS1036000001", new CommandRequest.SelfTest(null));
    assertThat(c.status()).isEqualTo("PENDING");
    assertThat(requests.get(0)).endsWith("body={\"type\":\"SELF_TEST\"}");
  }

  @Test
  void typedOperationsKeepTheWireJson() {
    status = 202;
    body = "{\"id\":\"c2\",\"type\":\"OUTLET_GROUP_REBOOT\",\"status\":\"PENDING\"}";
    GatewayClient client = gateway.client("tok");
    client.sendCommand("AS1036000001", new CommandRequest.OutletGroupReboot(2, null, 30, null));
    client.sendCommand("AS1036000001", new CommandRequest.FirmwareUpgrade("UPS 09.8 / ID=18", 600));
    client.sendCommand("AS1036000001", new CommandRequest.SetInputSensitivity("low", null));
    assertThat(requests)
        .extracting(r -> r.substring(r.indexOf("body=") + 5))
        .containsExactly(
            "{\"type\":\"OUTLET_GROUP_REBOOT\",\"group\":2,\"onDelaySeconds\":30}",
            "{\"type\":\"FIRMWARE_UPGRADE\",\"version\":\"UPS 09.8 / ID=18\",\"ttlSeconds\":600}",
            "{\"type\":\"SET_INPUT_SENSITIVITY\",\"sensitivity\":\"low\"}");
  }

  @Test
  void commandsAreReadAsAPageWithItsTotal() {
    body =
        "{\"items\":[{\"id\":\"c9\",\"serial\":\"AS1036000001\",\"type\":\"SELF_TEST\","
            + "\"status\":\"DELIVERED\"}],\"page\":0,\"size\":50,\"total\":4300}";
    PageView<CommandView> page = gateway.client("tok").commands("AS1036000001", 0, 50);
    assertThat(page.total()).isEqualTo(4300);
    assertThat(page.items())
        .singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo("DELIVERED"));
    assertThat(requests.get(0))
        .startsWith("GET /api/v1/devices/AS1036000001/commands?page=0&size=50 auth=Bearer tok");
  }

  @Test
  void allowedOperationsAreReadWithReasonsAndParameters() {
    body =
        "[{\"type\":\"OUTLET_GROUP_REBOOT\",\"allowed\":false,"
            + "\"reason\":\"remote outlet-group reboot needs the Advanced plan; the device is on Standard\","
            + "\"requiredPlan\":\"ADVANCED\",\"outletGroups\":2},"
            + "{\"type\":\"FIRMWARE_UPGRADE\",\"allowed\":true,\"firmwareTarget\":\"UPS 09.8 / ID=18\"}]";
    List<OperationAllowanceView> allowed = gateway.client("tok").allowedOperations("AS1036000001");
    assertThat(allowed)
        .containsExactly(
            new OperationAllowanceView(
                "OUTLET_GROUP_REBOOT",
                false,
                "remote outlet-group reboot needs the Advanced plan; the device is on Standard",
                "ADVANCED",
                2,
                null),
            new OperationAllowanceView(
                "FIRMWARE_UPGRADE", true, null, null, null, "UPS 09.8 / ID=18"));
    assertThat(requests.get(0))
        .startsWith("GET /api/v1/devices/AS1036000001/operations auth=Bearer tok");
  }

  @Test
  void tooManyOpenOperationsIsAProblemNotACrash() {
    status = 429;
    contentType = "application/problem+json";
    body =
        "{\"title\":\"Too Many Requests\",\"status\":429,"
            + "\"detail\":\"the device already has 100 unfinished operations; wait for some to finish or cancel pending ones\"}";
    assertThatThrownBy(
            () ->
                gateway
                    .client("tok")
                    .sendCommand("AS1036000001", new CommandRequest.SelfTest(null)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.userMessage()).contains("100 unfinished operations");
            });
  }

  @Test
  void aProblemBecomesAMessageWithItsDetailAndFields() {
    status = 403;
    contentType = "application/problem+json";
    body =
        "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
            + "\"detail\":\"remote outlet-group reboot needs the Advanced plan; the device is on Standard\"}";
    assertThatThrownBy(
            () ->
                gateway
                    .client("tok")
                    .sendCommand(
                        "AS1036000001", new CommandRequest.OutletGroupReboot(1, null, null, null)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.userMessage())
                  .isEqualTo(
                      "Forbidden: remote outlet-group reboot needs the Advanced plan; the device is on Standard");
            });

    status = 400;
    body =
        "{\"title\":\"Invalid request\",\"status\":400,\"detail\":\"the request has invalid fields\","
            + "\"errors\":[{\"field\":\"password\",\"message\":\"is required: 12 to 200 characters\"}]}";
    assertThatThrownBy(() -> gateway.client("tok").createAccount("x"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e ->
                assertThat(e.userMessage())
                    .isEqualTo(
                        "Invalid request: the request has invalid fields (password is required: 12 to 200 characters)"));
  }

  @Test
  void anExpiredTokenIsRecognisedEvenWithoutABody() {
    status = 401;
    body = "";
    assertThatThrownBy(() -> gateway.client("old").device("AS1036000001"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.isUnauthorized()).isTrue();
              assertThat(e.userMessage())
                  .isEqualTo("Your session has expired. Please sign in again.");
            });
  }

  @Test
  void anUnreachableGatewayIsASentenceNotAStackTrace() {
    server.stop(0);
    assertThatThrownBy(() -> gateway.client("tok").device("AS1036000001"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.userMessage()).startsWith("The gateway cannot be reached");
            });
  }
}
