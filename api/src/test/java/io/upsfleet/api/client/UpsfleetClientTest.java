package io.upsfleet.api.client;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The REST client against a stub HTTP server: what it sends, and how it reads answers and problems.
 */
class UpsfleetClientTest {
  private HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private UpsfleetClient gateway;
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
    server.setExecutor(handlers);
    server.start();
    gateway =
        new UpsfleetClient(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
  }

  private UpsfleetClient as(String token) {
    return gateway.withToken(token);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    handlers.shutdownNow();
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
    var page = as("tok").devices(new DeviceQuery("ON_BATTERY", " AS10 ", null, 2, 50));
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
    try (var in = as("tok").report("acc-1", "my-renewals.csv", Map.of("plan", "ADVANCED"))) {
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
    UpsfleetApi client = as("tok");
    assertThatThrownBy(() -> client.report("x", "my-inventory.xlsx", Map.of()))
        .isInstanceOf(UpsfleetClient.ApiError.class)
        .hasMessageContaining("no account x");
  }

  @Test
  void commandsAreSentWithoutNullFields() {
    status = 202;
    body =
        "{\"id\":\"c1\",\"serial\":\"AS1036000001\",\"type\":\"SELF_TEST\",\"status\":\"PENDING\"}";
    var c = as("tok").sendCommand("AS1036000001", new CommandRequest.SelfTest(null));
    assertThat(c.status()).isEqualTo("PENDING");
    assertThat(requests.get(0)).endsWith("body={\"type\":\"SELF_TEST\"}");
  }

  @Test
  void typedOperationsKeepTheWireJson() {
    status = 202;
    body = "{\"id\":\"c2\",\"type\":\"OUTLET_GROUP_REBOOT\",\"status\":\"PENDING\"}";
    UpsfleetApi client = as("tok");
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
    PageView<CommandView> page = as("tok").commands("AS1036000001", 0, 50);
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
    List<OperationAllowanceView> allowed = as("tok").allowedOperations("AS1036000001");
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
            () -> as("tok").sendCommand("AS1036000001", new CommandRequest.SelfTest(null)))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class,
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
                as("tok")
                    .sendCommand(
                        "AS1036000001", new CommandRequest.OutletGroupReboot(1, null, null, null)))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class,
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
    assertThatThrownBy(() -> as("tok").createAccount("x"))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class,
            e ->
                assertThat(e.userMessage())
                    .isEqualTo(
                        "Invalid request: the request has invalid fields (password is required: 12 to 200 characters)"));
  }

  @Test
  void anExpiredTokenIsRecognisedEvenWithoutABody() {
    status = 401;
    body = "";
    assertThatThrownBy(() -> as("old").device("AS1036000001"))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class,
            e -> {
              assertThat(e.isUnauthorized()).isTrue();
              assertThat(e.userMessage())
                  .isEqualTo("Your session has expired. Please sign in again.");
            });
  }

  @Test
  void anUnreachableGatewayIsASentenceNotAStackTrace() {
    server.stop(0);
    assertThatThrownBy(() -> as("tok").device("AS1036000001"))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.isTransportFailure()).isTrue();
              assertThat(e.userMessage()).startsWith("The gateway cannot be reached");
            });
  }

  @Test
  @Timeout(60) // the client's default request timeout is 120 s: only the configured one ends this
  void aGatewayThatDoesNotAnswerInTheRequestTimeoutIsATransportFailure() {
    CountDownLatch release = new CountDownLatch(1);
    server.createContext(
        "/api/v1/devices/SLOW",
        ex -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    UpsfleetClient impatient =
        new UpsfleetClient(gateway.baseUrl(), Duration.ofSeconds(2), Duration.ofMillis(300))
            .withToken("tok");
    try {
      assertThatThrownBy(() -> impatient.device("SLOW"))
          .isInstanceOfSatisfying(
              UpsfleetClient.ApiError.class,
              e -> {
                assertThat(e.isTransportFailure()).isTrue();
                assertThat(e.userMessage()).startsWith("The gateway did not answer in time");
              });
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSessionSignsInOnTheSharedPoolWithoutChangingItsParent() {
    body =
        "{\"token\":\"t7\",\"expiresAt\":\"2026-11-28T12:00:00Z\",\"username\":\"op\",\"role\":\"ACCOUNT_OPERATOR\"}";
    UpsfleetClient session = gateway.newSession();
    session.signIn("op", "operator-pw-1", null);
    body = "[]";
    session.supportUsers();
    assertThat(gateway.token()).isNull();
    assertThat(session.token()).isEqualTo("t7");
    assertThat(requests.get(0)).startsWith("POST /api/v1/auth/token auth=null xff=null");
    assertThat(requests.get(1)).startsWith("GET /api/v1/support-users auth=Bearer t7");
  }
}
