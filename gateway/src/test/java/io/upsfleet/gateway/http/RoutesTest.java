package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.IssuedToken;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.gateway.testing.ContractHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole route tree over fake services, bound on a free local port: authentication, tenancy,
 * problem+json and parameter validation, without a database or a cluster.
 */
class RoutesTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private static final UUID ACCOUNT_A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID ACCOUNT_B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
  private static final String TOKEN = "token-of-alice";
  private static final Principal ALICE =
      new Principal(UUID.randomUUID(), "alice", Role.ACCOUNT_ADMIN, ACCOUNT_A);
  private static final String OWN = "AS2411010001";
  private static final String OTHERS = "AS2411010002";
  private static final Map<String, UUID> OWNERS = Map.of(OWN, ACCOUNT_A, OTHERS, ACCOUNT_B);

  private static final List<String> audits = new ArrayList<>();
  private static final List<String> directoryAsked = new ArrayList<>();
  private static volatile RuntimeException directoryFailure;

  private static ActorSystem<Void> system;
  private static HttpApi api;
  private static final HttpClient client = ContractHttpClient.checked(HttpClient.newHttpClient());

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "routes-test");
    HttpSettings settings =
        new HttpSettings(
            "127.0.0.1",
            0,
            64 * 1024,
            1000,
            1000,
            Duration.ZERO,
            500,
            List.of(),
            10,
            30,
            Duration.ofSeconds(6));
    ApiServices services =
        new ApiServices(
            new FakeTokens(),
            null,
            new FakeDevices(),
            new FakeDirectory(),
            null,
            null,
            null,
            null,
            (actor, account, action, target, outcome, details) ->
                audits.add(actor + " " + action + " " + target + " " + outcome),
            null);
    api = HttpApi.bind(settings, system);
    api.serve(
        settings,
        services,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> true,
        () -> true,
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    api.close();
    system.terminate();
  }

  @BeforeEach
  void reset() {
    audits.clear();
    directoryAsked.clear();
    directoryFailure = null;
  }

  @Test
  void withoutATokenIsA401WithWwwAuthenticate() throws Exception {
    HttpResponse<String> r = get("/api/v1/devices/" + OWN, null);
    assertProblem(r, 401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"upsfleet\"");
  }

  @Test
  void anUnknownTokenIsA401WithWwwAuthenticate() throws Exception {
    HttpResponse<String> r = get("/api/v1/devices", "not-a-token");
    assertProblem(r, 401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"upsfleet\"");
    assertThat(directoryAsked).isEmpty();
  }

  @Test
  void anotherAccountsDeviceIsA404AsIfItDidNotExistAndIsAudited() throws Exception {
    HttpResponse<String> r = get("/api/v1/devices/" + OTHERS, TOKEN);
    assertProblem(r, 404);
    assertThat(r.body()).contains("no device " + OTHERS);
    assertThat(audits).containsExactly("alice device.read " + OTHERS + " NOT_FOUND");

    HttpResponse<String> unknown = get("/api/v1/devices/AS2411019999", TOKEN);
    assertProblem(unknown, 404);
    assertThat(unknown.body()).isEqualTo(r.body().replace(OTHERS, "AS2411019999"));
  }

  @Test
  void anotherAccountsDeviceEventLogIsA404AndIsNotRead() throws Exception {
    assertProblem(get("/api/v1/devices/" + OTHERS + "/events", TOKEN), 404);
    assertThat(directoryAsked).isEmpty();

    HttpResponse<String> own = get("/api/v1/devices/" + OWN + "/events", TOKEN);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(directoryAsked).containsExactly("events " + OWN);
  }

  @Test
  void listsAreScopedToThePrincipalsAccount() throws Exception {
    assertThat(get("/api/v1/devices", TOKEN).statusCode()).isEqualTo(200);
    assertThat(directoryAsked).containsExactly("page account=" + ACCOUNT_A + " 0/50");
  }

  @Test
  void pagingParametersOutOfRangeAreA400NamingTheRange() throws Exception {
    HttpResponse<String> r = get("/api/v1/devices?page=-1&size=0", TOKEN);
    assertProblem(r, 400);
    assertThat(r.body())
        .contains("{\"field\":\"page\",\"message\":\"must be an integer between 0 and 1000000\"}")
        .contains("{\"field\":\"size\",\"message\":\"must be an integer between 1 and 500\"}");
    assertProblem(get("/api/v1/devices?size=501", TOKEN), 400);
    assertProblem(get("/api/v1/devices?page=x", TOKEN), 400);
    assertThat(directoryAsked).isEmpty();
  }

  @Test
  void unknownFilterAndSortValuesAreA400ListingTheAllowedValues() throws Exception {
    HttpResponse<String> status = get("/api/v1/devices?status=sleeping", TOKEN);
    assertProblem(status, 400);
    assertThat(status.body())
        .contains("must be one of " + Arrays.toString(DeviceDirectory.StatusFilter.values()));
    HttpResponse<String> sort = get("/api/v1/devices?sort=colour", TOKEN);
    assertProblem(sort, 400);
    assertThat(sort.body()).contains("must be one of " + DeviceDirectory.Sort.wireNames());
    assertThat(directoryAsked).isEmpty();
  }

  @Test
  void anUnexpectedFailureIsA500ProblemThatRevealsNothing() throws Exception {
    directoryFailure = new IllegalStateException("SELECT secret FROM internals");
    HttpResponse<String> r = get("/api/v1/devices", TOKEN);
    assertProblem(r, 500);
    assertThat(r.body()).doesNotContain("secret").doesNotContain("IllegalStateException");
  }

  @Test
  void anUnknownPathIsA404Problem() throws Exception {
    assertProblem(get("/api/v1/nothing-here", TOKEN), 404);
  }

  private static void assertProblem(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("\"status\":" + status);
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final class FakeTokens implements ApiServices.TokenService {
    @Override
    public CompletionStage<Optional<IssuedToken>> issueToken(String username, String password) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Optional<Accounts.TokenGrant>> resolveToken(String token) {
      return CompletableFuture.completedFuture(
          TOKEN.equals(token)
              ? Optional.of(new Accounts.TokenGrant(ALICE, NOW.plusSeconds(3600)))
              : Optional.empty());
    }

    @Override
    public CompletionStage<Boolean> revokeToken(String token) {
      throw new UnsupportedOperationException();
    }
  }

  /** Two registered devices, one per account; every other serial is unknown. */
  private static final class FakeDevices implements ApiServices.DeviceService {
    @Override
    public CompletionStage<DeviceSnapshot> snapshot(String serial) {
      UUID owner = OWNERS.get(serial);
      return CompletableFuture.completedFuture(
          new DeviceSnapshot(
              serial,
              owner != null,
              owner == null ? null : "SMT1500C",
              owner == null ? null : owner.toString(),
              NOW,
              false,
              null,
              null,
              null,
              null,
              false,
              Set.of(),
              false,
              null,
              null,
              null,
              null,
              null));
    }

    @Override
    public CompletionStage<UpsDevice.Confirmation> register(
        String serial, String model, String accountId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<UpsDevice.PlanReply> plan(String serial) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> requestOperation(
        String serial, Operation operation, Duration ttl, String by, String idempotencyKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> cancelOperation(
        String serial, String commandId, String by) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> operations(
        String serial, int offset, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial) {
      throw new UnsupportedOperationException();
    }
  }

  /** Empty pages; records what was asked. */
  private static final class FakeDirectory implements ApiServices.DirectoryService {
    @Override
    public CompletionStage<DeviceDirectory.Page<DeviceDirectory.Entry>> page(
        DeviceDirectory.Query query, int page, int size) {
      if (directoryFailure != null) return CompletableFuture.failedFuture(directoryFailure);
      directoryAsked.add(
          "page account="
              + query.account().map(UUID::toString).orElse("*")
              + " "
              + page
              + "/"
              + size);
      return CompletableFuture.completedFuture(
          new DeviceDirectory.Page<>(List.of(), page, size, 0));
    }

    @Override
    public CompletionStage<DeviceDirectory.Counts> counts(Optional<UUID> account) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<DeviceDirectory.Page<DeviceDirectory.LoggedEvent>> events(
        String serial, Instant from, Instant to, int page, int size) {
      directoryAsked.add("events " + serial);
      return CompletableFuture.completedFuture(
          new DeviceDirectory.Page<>(List.of(), page, size, 0));
    }

    @Override
    public CompletionStage<Long> report(
        io.upsfleet.cluster.report.Report report,
        io.upsfleet.cluster.report.DeviceReports.Filter filter,
        Instant now,
        io.upsfleet.cluster.report.DeviceReports.WriterOpener opener) {
      throw new UnsupportedOperationException();
    }
  }
}
