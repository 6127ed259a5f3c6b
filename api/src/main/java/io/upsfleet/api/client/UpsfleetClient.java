package io.upsfleet.api.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.api.rest.BulkRegistrationRequest;
import io.upsfleet.api.rest.BulkRegistrationResult;
import io.upsfleet.api.rest.ChangePasswordRequest;
import io.upsfleet.api.rest.CreateAccountRequest;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DevicePatchRequest;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.IncidentView;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.PolicyView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.RedeemRequest;
import io.upsfleet.api.rest.RegisterDeviceRequest;
import io.upsfleet.api.rest.ResetPasswordRequest;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.TokenRequest;
import io.upsfleet.api.rest.TokenResponse;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small blocking client of the upsfleet REST API ({@code /api/v1}), on {@link HttpClient}. Sign
 * in with {@link #signIn}; later calls carry the token. A non-2xx answer throws {@link ApiError}
 * with the problem the server sent. Thread-safe once signed in.
 */
public final class UpsfleetClient {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final URI base;
  private final HttpClient http;
  private volatile String token;

  /**
   * @param base the gateway's base URL, e.g. {@code http://127.0.0.1:8080}
   */
  public UpsfleetClient(URI base) {
    this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /**
   * @param base the gateway's base URL
   * @param http the transport (tests pass one that checks every response against the OpenAPI
   *     document)
   */
  public UpsfleetClient(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  /** A failed call: the HTTP status and the server's problem (null when the body was not one). */
  public static final class ApiError extends RuntimeException {
    private final int status;
    private final transient Problem problem;

    ApiError(int status, Problem problem, String body) {
      super(
          "HTTP "
              + status
              + ": "
              + (problem != null ? problem.title() + " - " + problem.detail() : body));
      this.status = status;
      this.problem = problem;
    }

    public int status() {
      return status;
    }

    public Problem problem() {
      return problem;
    }
  }

  public TokenResponse signIn(String username, String password) {
    TokenResponse t =
        send(
            "POST",
            "/api/v1/auth/token",
            new TokenRequest(username, password),
            new TypeReference<TokenResponse>() {});
    this.token = t.token();
    return t;
  }

  public String token() {
    return token;
  }

  public AccountView createAccount(String name) {
    return send(
        "POST",
        "/api/v1/accounts",
        new CreateAccountRequest(name),
        new TypeReference<AccountView>() {});
  }

  public UserView createUser(String accountId, String username, String password, String role) {
    return send(
        "POST",
        "/api/v1/accounts/" + accountId + "/users",
        new CreateUserRequest(username, password, role),
        new TypeReference<UserView>() {});
  }

  public DeviceRegistration registerDevice(String serial, String model, String accountId) {
    return send(
        "POST",
        "/api/v1/devices",
        new RegisterDeviceRequest(serial, model, accountId),
        new TypeReference<DeviceRegistration>() {});
  }

  /** Registers up to 1000 devices of one account at once. */
  public BulkRegistrationResult registerDevices(
      String accountId, List<BulkRegistrationRequest.Device> devices) {
    return send(
        "POST",
        "/api/v1/devices/bulk",
        new BulkRegistrationRequest(accountId, devices),
        new TypeReference<BulkRegistrationResult>() {});
  }

  /** Creates a purchase order (support); the answer carries the activation code. */
  public LicenseOrderView createOrder(
      String poNumber, String sku, int quantity, String channel, String installerEmail) {
    return send(
        "POST",
        "/api/v1/license-orders",
        new LicenseOrderRequest(poNumber, sku, quantity, null, channel, installerEmail),
        new TypeReference<LicenseOrderView>() {});
  }

  /** Redeems a code for an account ({@code accountId} is for support; customers pass null). */
  public LicenseOrderView redeem(String code, String accountId) {
    return send(
        "POST",
        "/api/v1/activation-codes/" + encode(code) + "/redeem",
        new RedeemRequest(accountId),
        new TypeReference<LicenseOrderView>() {});
  }

  /** Assigns one entitlement of each SKU to each device (or previews it). */
  public AssignmentResult assign(
      String code, List<String> serials, List<String> skus, boolean preview, String accountId) {
    return send(
        "POST",
        "/api/v1/assignments",
        new AssignmentRequest(code, serials, skus, preview, accountId),
        new TypeReference<AssignmentResult>() {});
  }

  public DeviceView device(String serial) {
    return send(
        "GET", "/api/v1/devices/" + encode(serial), null, new TypeReference<DeviceView>() {});
  }

  /**
   * A page of devices; {@code query} holds optional {@code status}, {@code q}, {@code plan}, {@code
   * model}, {@code firmwareOutdated}, {@code sort}, {@code accountId}, {@code page}, {@code size}.
   */
  public PageView<DeviceSummary> devices(Map<String, String> query) {
    return send(
        "GET",
        "/api/v1/devices" + queryString(query),
        null,
        new TypeReference<PageView<DeviceSummary>>() {});
  }

  /**
   * Counts by health, by plan and of outdated firmware; {@code accountId} may be null (support:
   * every account).
   */
  public DeviceCounts deviceCounts(String accountId) {
    return send(
        "GET",
        "/api/v1/devices/summary"
            + (accountId == null ? "" : queryString(Map.of("accountId", accountId))),
        null,
        new TypeReference<DeviceCounts>() {});
  }

  /**
   * A device's downsampled telemetry, oldest first; {@code query} holds optional {@code from},
   * {@code to} (ISO-8601 instants; default the last 24 h) and {@code maxPoints} (1..1440).
   */
  public TelemetryHistoryView telemetryHistory(String serial, Map<String, String> query) {
    return send(
        "GET",
        "/api/v1/devices/" + encode(serial) + "/telemetry" + queryString(query),
        null,
        new TypeReference<TelemetryHistoryView>() {});
  }

  /**
   * A page of a device's event log; {@code query} holds optional {@code from}, {@code to}, {@code
   * page}, {@code size}.
   */
  public PageView<DeviceEventView> events(String serial, Map<String, String> query) {
    return send(
        "GET",
        "/api/v1/devices/" + encode(serial) + "/events" + queryString(query),
        null,
        new TypeReference<PageView<DeviceEventView>>() {});
  }

  /** The users of an account. */
  public List<UserView> users(String accountId) {
    return send(
        "GET",
        "/api/v1/accounts/" + accountId + "/users",
        null,
        new TypeReference<List<UserView>>() {});
  }

  /** Disables / enables a user or changes its role (null leaves it unchanged). */
  public UserView updateUser(String accountId, String userId, Boolean disabled, String role) {
    return send(
        "PATCH",
        "/api/v1/accounts/" + accountId + "/users/" + userId,
        new UpdateUserRequest(disabled, role),
        new TypeReference<UserView>() {});
  }

  /** Sets a user's password; the user must change it at next sign-in. */
  public UserView resetPassword(String accountId, String userId, String password) {
    return send(
        "POST",
        "/api/v1/accounts/" + accountId + "/users/" + userId + "/password",
        new ResetPasswordRequest(password),
        new TypeReference<UserView>() {});
  }

  /** Changes the signed-in user's own password (other sessions are signed out). */
  public void changePassword(String currentPassword, String newPassword) {
    send(
        "POST",
        "/api/v1/auth/password",
        new ChangePasswordRequest(currentPassword, newPassword),
        null);
  }

  /** Revokes every token of the signed-in user. */
  public void signOutEverywhere() {
    send("POST", "/api/v1/auth/logout-all", null, null);
  }

  /** The support users. */
  public List<UserView> supportUsers() {
    return send("GET", "/api/v1/support-users", null, new TypeReference<List<UserView>>() {});
  }

  /** Disables or enables a support user. */
  public UserView updateSupportUser(String userId, boolean disabled) {
    return send(
        "PATCH",
        "/api/v1/support-users/" + userId,
        new UpdateUserRequest(disabled, null),
        new TypeReference<UserView>() {});
  }

  /**
   * A page of the audit trail, newest first; {@code query} holds the filters ({@code from}, {@code
   * to}, {@code actor}, {@code action}, {@code outcome}, {@code accountId}, {@code after}, {@code
   * size}).
   */
  public CursorPage<AuditEntryView> audit(Map<String, String> query) {
    return send(
        "GET",
        "/api/v1/audit" + queryString(query),
        null,
        new TypeReference<CursorPage<AuditEntryView>>() {});
  }

  /** The audit trail as CSV, with the same filters. */
  public String auditCsv(Map<String, String> query) {
    Map<String, String> q = new LinkedHashMap<>(query == null ? Map.of() : query);
    q.put("format", "csv");
    return send("GET", "/api/v1/audit" + queryString(q), null, null);
  }

  /** The sites of an account, with their device counts. */
  public List<SiteView> sites(String accountId) {
    return send(
        "GET",
        "/api/v1/accounts/" + encode(accountId) + "/sites",
        null,
        new TypeReference<List<SiteView>>() {});
  }

  /** Creates a site ({@code address} and {@code timeZone} may be null). */
  public SiteView createSite(String accountId, String name, String address, String timeZone) {
    return send(
        "POST",
        "/api/v1/accounts/" + encode(accountId) + "/sites",
        new SiteRequest(name, address, timeZone),
        new TypeReference<SiteView>() {});
  }

  /** Puts a device in a site of its account ({@code ""} takes it out of its site). */
  public void setSite(String serial, String siteId) {
    send("PATCH", "/api/v1/devices/" + encode(serial), new DevicePatchRequest(siteId), null);
  }

  /**
   * Creates a notification destination ({@code type} {@code EMAIL} with {@code email}, else {@code
   * url}); a {@code WEBHOOK}'s answer carries its signing secret, once.
   */
  public DestinationView createDestination(
      String accountId, String type, String name, String url, String email) {
    return send(
        "POST",
        "/api/v1/accounts/" + encode(accountId) + "/notification-destinations",
        new DestinationRequest(type, name, url, email),
        new TypeReference<DestinationView>() {});
  }

  public void deleteDestination(String accountId, String destinationId) {
    send(
        "DELETE",
        "/api/v1/accounts/"
            + encode(accountId)
            + "/notification-destinations/"
            + encode(destinationId),
        null,
        null);
  }

  /**
   * Creates a notification policy: {@code eventTypes} (or, when empty, every type of at least
   * {@code minSeverity}), devices by {@code siteIds} and {@code serials} (all when both are empty).
   */
  public PolicyView createPolicy(
      String accountId,
      String name,
      String minSeverity,
      List<String> eventTypes,
      List<String> siteIds,
      List<String> serials,
      List<String> destinationIds,
      boolean includeMaintenance) {
    return send(
        "POST",
        "/api/v1/accounts/" + encode(accountId) + "/notification-policies",
        new PolicyRequest(
            name, minSeverity, eventTypes, siteIds, serials, destinationIds, includeMaintenance),
        new TypeReference<PolicyView>() {});
  }

  public void deletePolicy(String accountId, String policyId) {
    send(
        "DELETE",
        "/api/v1/accounts/" + encode(accountId) + "/notification-policies/" + encode(policyId),
        null,
        null);
  }

  /** A page of an account's site outages ({@code query}: optional {@code page}, {@code size}). */
  public List<IncidentView> incidents(String accountId, Map<String, String> query) {
    return send(
        "GET",
        "/api/v1/accounts/" + encode(accountId) + "/incidents" + queryString(query),
        null,
        new TypeReference<List<IncidentView>>() {});
  }

  /** Sends {@code body} as JSON; null {@code type}: the body is returned as text (or null). */
  @SuppressWarnings("unchecked")
  private <T> T send(String method, String path, Object body, TypeReference<T> type) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
      if (token != null) b.header("Authorization", "Bearer " + token);
      if (body != null) {
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        Problem p = null;
        try {
          p = JSON.readValue(r.body(), Problem.class);
        } catch (IOException e) {
          // not a problem document; the raw body goes into the message
        }
        throw new ApiError(r.statusCode(), p, r.body());
      }
      if (type == null) return (T) (r.body().isEmpty() ? null : r.body());
      return JSON.readValue(r.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query == null || query.isEmpty()) return "";
    return "?"
        + new LinkedHashMap<>(query)
            .entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
