package io.upsfleet.api.client;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.CreateAccountRequest;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.DeliveryView;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationTestResult;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DevicePatchRequest;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceSecret;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.FirmwareRelease;
import io.upsfleet.api.rest.FleetEventView;
import io.upsfleet.api.rest.IncidentView;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.PolicyView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.RedeemRequest;
import io.upsfleet.api.rest.RegisterDeviceRequest;
import io.upsfleet.api.rest.ResellerAcceptRequest;
import io.upsfleet.api.rest.ResellerInviteRequest;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.api.rest.ResetPasswordRequest;
import io.upsfleet.api.rest.RolloutRequest;
import io.upsfleet.api.rest.RolloutView;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.api.rest.SkuView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.TokenRequest;
import io.upsfleet.api.rest.TokenResponse;
import io.upsfleet.api.rest.TransferRequest;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small blocking client of the upsfleet REST API ({@code /api/v1}) on {@link HttpClient}, used by
 * the console, the load harness and the tests. Sign in with {@link #signIn}; later calls carry the
 * token. A non-2xx answer throws {@link ApiError} with the problem the server sent; a request that
 * got no answer (connection refused, timeout) throws one with status 0 ({@link
 * ApiError#isTransportFailure()}). Thread-safe once signed in.
 *
 * <p>One instance owns a connection pool; {@link #newSession()} gives another client (its own
 * token) on the same pool and timeouts, which is how the console serves many users.
 */
public final class UpsfleetClient implements UpsfleetApi {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
  private static final int PROBLEM_BYTES = 64 * 1024;

  private final URI base;
  private final HttpClient http;
  private final Duration requestTimeout;
  private volatile String token;

  /**
   * @param base the gateway's base URL, e.g. {@code http://127.0.0.1:8080}
   */
  public UpsfleetClient(URI base) {
    this(base, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * @param base the gateway's base URL
   * @param connectTimeout longest wait for a TCP connection
   * @param requestTimeout longest wait for one answer
   */
  public UpsfleetClient(URI base, Duration connectTimeout, Duration requestTimeout) {
    this(
        base, HttpClient.newBuilder().connectTimeout(connectTimeout).build(), requestTimeout, null);
  }

  /**
   * @param base the gateway's base URL
   * @param http the transport (tests pass one that checks every response against the OpenAPI
   *     document)
   */
  public UpsfleetClient(URI base, HttpClient http) {
    this(base, http, DEFAULT_REQUEST_TIMEOUT, null);
  }

  private UpsfleetClient(URI base, HttpClient http, Duration requestTimeout, String token) {
    this.base = base;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.token = token;
  }

  /**
   * A failed call: the HTTP status and the server's problem (null when the body was not one), or
   * status 0 when no answer came ({@link #isTransportFailure()}). {@link #userMessage()} is the
   * text to show a person.
   */
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

    /** No answer: the gateway could not be reached, the request timed out or was interrupted. */
    ApiError(String message, Throwable cause) {
      super(message, cause);
      this.status = 0;
      this.problem = null;
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
      return status;
    }

    public Problem problem() {
      return problem;
    }

    /** The request got no HTTP answer (refused, reset, timed out, interrupted). */
    public boolean isTransportFailure() {
      return status == 0;
    }

    /** The token is missing, expired or revoked: the user has to sign in again. */
    public boolean isUnauthorized() {
      return status == 401;
    }

    /** What to tell a person: the problem's title, detail and field errors, or a sentence. */
    public String userMessage() {
      if (status == 0) return getMessage();
      Problem p = problem;
      if (p == null || (p.title() == null && p.detail() == null)) {
        return switch (status) {
          case 401 -> "Your session has expired. Please sign in again.";
          case 403 -> "You are not allowed to do this.";
          case 404 -> "Not found.";
          case 429 -> "Too many requests. Please wait a moment and try again.";
          case 502, 503, 504 -> "The gateway is not available right now. Please try again shortly.";
          default -> "The gateway answered " + status + ".";
        };
      }
      StringBuilder sb = new StringBuilder(p.title() == null ? "Error " + status : p.title());
      if (p.detail() != null && !p.detail().isBlank() && !p.detail().equals(p.title())) {
        sb.append(": ").append(p.detail());
      }
      if (p.errors() != null && !p.errors().isEmpty()) {
        sb.append(" (")
            .append(
                p.errors().stream()
                    .map(e -> e.field() + " " + e.message())
                    .collect(Collectors.joining("; ")))
            .append(')');
      }
      return sb.toString();
    }
  }

  /** A client on this one's connection pool and timeouts, not signed in. */
  public UpsfleetClient newSession() {
    return withToken(null);
  }

  /** A client on this one's connection pool and timeouts, acting with {@code token}. */
  public UpsfleetClient withToken(String token) {
    return new UpsfleetClient(base, http, requestTimeout, token);
  }

  public URI baseUrl() {
    return base;
  }

  public TokenResponse signIn(String username, String password) {
    return signIn(username, password, null);
  }

  /**
   * {@code POST /api/v1/auth/token}; later calls of this client carry the token. {@code
   * clientAddress} (may be null) is the address of the person signing in, sent as {@code
   * X-Forwarded-For} so that the gateway's sign-in throttle counts people, not a console in front
   * of them.
   */
  public TokenResponse signIn(String username, String password, String clientAddress) {
    TokenResponse t =
        send(
            "POST",
            "/api/v1/auth/token",
            new TokenRequest(username, password),
            clientAddress,
            new TypeReference<TokenResponse>() {});
    this.token = t.token();
    return t;
  }

  public String token() {
    return token;
  }

  /**
   * {@code POST /api/v1/reseller/accept}: redeems a reseller's invitation code and sets its
   * password (the reseller's username is its e-mail address). Needs no token.
   */
  public ResellerView acceptResellerInvitation(String code, String password) {
    return post(
        "/api/v1/reseller/accept",
        new ResellerAcceptRequest(code, password),
        new TypeReference<ResellerView>() {});
  }

  // Session and people.

  @Override
  public void signOut() {
    post("/api/v1/auth/logout", null, null);
  }

  @Override
  public void signOutEverywhere() {
    post("/api/v1/auth/logout-all", null, null);
  }

  @Override
  public void changePassword(String currentPassword, String newPassword) {
    post("/api/v1/auth/password", new ChangePasswordRequest(currentPassword, newPassword), null);
  }

  @Override
  public PageView<AccountView> accounts(int page, int size) {
    return get(
        "/api/v1/accounts" + page(page, size), new TypeReference<PageView<AccountView>>() {});
  }

  @Override
  public AccountView createAccount(String name) {
    return post(
        "/api/v1/accounts", new CreateAccountRequest(name), new TypeReference<AccountView>() {});
  }

  @Override
  public List<UserView> users(String accountId) {
    return get(account(accountId, "/users"), new TypeReference<List<UserView>>() {});
  }

  @Override
  public UserView createUser(String accountId, CreateUserRequest request) {
    return post(account(accountId, "/users"), request, new TypeReference<UserView>() {});
  }

  @Override
  public UserView updateUser(String accountId, String userId, UpdateUserRequest request) {
    return send(
        "PATCH",
        account(accountId, "/users/" + encode(userId)),
        request,
        null,
        new TypeReference<UserView>() {});
  }

  @Override
  public UserView resetPassword(String accountId, String userId, String password) {
    return post(
        account(accountId, "/users/" + encode(userId) + "/password"),
        new ResetPasswordRequest(password),
        new TypeReference<UserView>() {});
  }

  @Override
  public List<UserView> supportUsers() {
    return get("/api/v1/support-users", new TypeReference<List<UserView>>() {});
  }

  @Override
  public UserView createSupportUser(CreateUserRequest request) {
    return post("/api/v1/support-users", request, new TypeReference<UserView>() {});
  }

  @Override
  public UserView updateSupportUser(String userId, UpdateUserRequest request) {
    return send(
        "PATCH",
        "/api/v1/support-users/" + encode(userId),
        request,
        null,
        new TypeReference<UserView>() {});
  }

  @Override
  public CursorPage<AuditEntryView> audit(Map<String, String> query) {
    return get("/api/v1/audit" + query(query), new TypeReference<CursorPage<AuditEntryView>>() {});
  }

  @Override
  public String auditCsv(Map<String, String> query) {
    Map<String, String> q = new LinkedHashMap<>(query == null ? Map.of() : query);
    q.put("format", "csv");
    return send("GET", "/api/v1/audit" + query(q), null, null, null);
  }

  // Devices.

  @Override
  public DeviceRegistration registerDevice(String serial, String model, String accountId) {
    return post(
        "/api/v1/devices",
        new RegisterDeviceRequest(serial, model, accountId),
        new TypeReference<DeviceRegistration>() {});
  }

  @Override
  public BulkRegistrationResult registerDevices(BulkRegistrationRequest request) {
    return post("/api/v1/devices/bulk", request, new TypeReference<BulkRegistrationResult>() {});
  }

  @Override
  public PageView<DeviceSummary> devices(Map<String, String> query) {
    return get("/api/v1/devices" + query(query), new TypeReference<PageView<DeviceSummary>>() {});
  }

  @Override
  public DeviceCounts deviceCounts(String accountId) {
    return get(
        "/api/v1/devices/summary"
            + (accountId == null ? "" : query(Map.of("accountId", accountId))),
        new TypeReference<DeviceCounts>() {});
  }

  @Override
  public DeviceView device(String serial) {
    return get(device(serial, ""), new TypeReference<DeviceView>() {});
  }

  @Override
  public TelemetryHistoryView telemetryHistory(String serial, Map<String, String> query) {
    return get(
        device(serial, "/telemetry") + query(query), new TypeReference<TelemetryHistoryView>() {});
  }

  @Override
  public PageView<DeviceEventView> events(String serial, Map<String, String> query) {
    return get(
        device(serial, "/events") + query(query),
        new TypeReference<PageView<DeviceEventView>>() {});
  }

  @Override
  public DevicePlanView plan(String serial) {
    return get(device(serial, "/plan"), new TypeReference<DevicePlanView>() {});
  }

  @Override
  public void deregister(String serial) {
    send("DELETE", device(serial, ""), null, null, null);
  }

  @Override
  public void transfer(String serial, String accountId) {
    post(device(serial, "/transfer"), new TransferRequest(accountId), null);
  }

  @Override
  public DeviceSecret rotateSecret(String serial) {
    return post(device(serial, "/secret"), null, new TypeReference<DeviceSecret>() {});
  }

  @Override
  public void setSite(String serial, String siteId) {
    send(
        "PATCH",
        device(serial, ""),
        new DevicePatchRequest(siteId == null ? "" : siteId),
        null,
        null);
  }

  // Remote operations.

  @Override
  public PageView<CommandView> commands(String serial, int page, int size) {
    return get(
        device(serial, "/commands") + page(page, size),
        new TypeReference<PageView<CommandView>>() {});
  }

  @Override
  public List<OperationAllowanceView> allowedOperations(String serial) {
    return get(device(serial, "/operations"), new TypeReference<List<OperationAllowanceView>>() {});
  }

  @Override
  public CommandView sendCommand(String serial, CommandRequest request) {
    return post(device(serial, "/commands"), request, new TypeReference<CommandView>() {});
  }

  @Override
  public CommandView cancelCommand(String serial, String commandId) {
    return post(
        device(serial, "/commands/" + encode(commandId) + "/cancel"),
        null,
        new TypeReference<CommandView>() {});
  }

  @Override
  public RolloutView startRollout(RolloutRequest request) {
    return post("/api/v1/firmware-rollouts", request, new TypeReference<RolloutView>() {});
  }

  @Override
  public RolloutView rollout(String id) {
    return get("/api/v1/firmware-rollouts/" + encode(id), new TypeReference<RolloutView>() {});
  }

  @Override
  public RolloutView rolloutAction(String id, String action) {
    return post(
        "/api/v1/firmware-rollouts/" + encode(id) + "/" + encode(action),
        null,
        new TypeReference<RolloutView>() {});
  }

  @Override
  public List<FirmwareRelease> firmware() {
    return get("/api/v1/firmware", new TypeReference<List<FirmwareRelease>>() {});
  }

  // Fleet-wide events and reports.

  @Override
  public CursorPage<FleetEventView> fleetEvents(
      Map<String, String> filters, String after, int size) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    if (after != null) q.put("after", after);
    q.put("size", Integer.toString(size));
    return get("/api/v1/events" + query(q), new TypeReference<CursorPage<FleetEventView>>() {});
  }

  @Override
  public InputStream fleetEventsCsv(Map<String, String> filters) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    q.put("format", "csv");
    return stream("/api/v1/events" + query(q));
  }

  @Override
  public InputStream report(String accountId, String file, Map<String, String> filters) {
    return stream(account(accountId, "/reports/" + encode(file)) + query(filters));
  }

  // Licensing.

  @Override
  public List<LicenseOrderView> licenseOrders() {
    return get(
            "/api/v1/license-orders" + query(Map.of("size", "500")),
            new TypeReference<PageView<LicenseOrderView>>() {})
        .items();
  }

  @Override
  public LicenseOrderView createLicenseOrder(LicenseOrderRequest request) {
    return post("/api/v1/license-orders", request, new TypeReference<LicenseOrderView>() {});
  }

  @Override
  public LicenseOrderView redeem(String code, String accountId) {
    return post(
        "/api/v1/activation-codes/" + encode(code.trim()) + "/redeem",
        new RedeemRequest(accountId),
        new TypeReference<LicenseOrderView>() {});
  }

  @Override
  public AssignmentResult assign(AssignmentRequest request) {
    return post("/api/v1/assignments", request, new TypeReference<AssignmentResult>() {});
  }

  @Override
  public List<EntitlementView> entitlements(String accountId) {
    return get(account(accountId, "/entitlements"), new TypeReference<List<EntitlementView>>() {});
  }

  @Override
  public List<SkuView> skus() {
    return get("/api/v1/skus", new TypeReference<List<SkuView>>() {});
  }

  // Notifications.

  @Override
  public List<SiteView> sites(String accountId) {
    return get(account(accountId, "/sites"), new TypeReference<List<SiteView>>() {});
  }

  @Override
  public SiteView createSite(String accountId, SiteRequest request) {
    return post(account(accountId, "/sites"), request, new TypeReference<SiteView>() {});
  }

  @Override
  public List<DestinationView> destinations(String accountId) {
    return get(
        account(accountId, "/notification-destinations"),
        new TypeReference<List<DestinationView>>() {});
  }

  @Override
  public DestinationView createDestination(String accountId, DestinationRequest request) {
    return post(
        account(accountId, "/notification-destinations"),
        request,
        new TypeReference<DestinationView>() {});
  }

  @Override
  public void deleteDestination(String accountId, String destinationId) {
    send(
        "DELETE",
        account(accountId, "/notification-destinations/" + encode(destinationId)),
        null,
        null,
        null);
  }

  @Override
  public DestinationTestResult testDestination(String accountId, String destinationId) {
    return post(
        account(accountId, "/notification-destinations/" + encode(destinationId) + "/test"),
        null,
        new TypeReference<DestinationTestResult>() {});
  }

  @Override
  public List<PolicyView> policies(String accountId) {
    return get(
        account(accountId, "/notification-policies"), new TypeReference<List<PolicyView>>() {});
  }

  @Override
  public PolicyView createPolicy(String accountId, PolicyRequest request) {
    return post(
        account(accountId, "/notification-policies"), request, new TypeReference<PolicyView>() {});
  }

  @Override
  public PolicyView updatePolicy(String accountId, String policyId, PolicyRequest request) {
    return send(
        "PUT",
        account(accountId, "/notification-policies/" + encode(policyId)),
        request,
        null,
        new TypeReference<PolicyView>() {});
  }

  @Override
  public void deletePolicy(String accountId, String policyId) {
    send(
        "DELETE",
        account(accountId, "/notification-policies/" + encode(policyId)),
        null,
        null,
        null);
  }

  @Override
  public List<DeliveryView> deliveries(String accountId) {
    return get(
        account(accountId, "/notification-deliveries?size=100"),
        new TypeReference<List<DeliveryView>>() {});
  }

  @Override
  public List<IncidentView> incidents(String accountId) {
    return get(
        account(accountId, "/incidents?size=100"), new TypeReference<List<IncidentView>>() {});
  }

  // Resellers.

  @Override
  public ResellerView reseller(String accountId) {
    try {
      return get(account(accountId, "/reseller"), new TypeReference<ResellerView>() {});
    } catch (ApiError e) {
      if (e.status() == 404) return null;
      throw e;
    }
  }

  @Override
  public ResellerView inviteReseller(String accountId, String email) {
    return post(
        account(accountId, "/reseller"),
        new ResellerInviteRequest(email),
        new TypeReference<ResellerView>() {});
  }

  @Override
  public void revokeReseller(String accountId) {
    send("DELETE", account(accountId, "/reseller"), null, null, null);
  }

  @Override
  public List<ResellerView> resellerAccounts() {
    return get("/api/v1/reseller/accounts", new TypeReference<List<ResellerView>>() {});
  }

  @Override
  public InputStream resellerReport(String accountId, String file) {
    return stream("/api/v1/reseller/accounts/" + encode(accountId) + "/reports/" + encode(file));
  }

  // Transport.

  private static String account(String accountId, String rest) {
    return "/api/v1/accounts/" + encode(accountId) + rest;
  }

  private static String device(String serial, String rest) {
    return "/api/v1/devices/" + encode(serial) + rest;
  }

  private <T> T get(String path, TypeReference<T> type) {
    return send("GET", path, null, null, type);
  }

  private <T> T post(String path, Object body, TypeReference<T> type) {
    return send("POST", path, body, null, type);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
    String t = token;
    if (t != null) b.header("Authorization", "Bearer " + t);
    return b;
  }

  /**
   * Sends {@code body} as JSON. {@code forwardedFor} (may be null) goes into {@code
   * X-Forwarded-For}. Null {@code type}: the body is returned as text (or null when empty).
   */
  @SuppressWarnings("unchecked")
  private <T> T send(
      String method, String path, Object body, String forwardedFor, TypeReference<T> type) {
    HttpResponse<String> r;
    try {
      HttpRequest.Builder b = request(path);
      if (type != null) b.header("Accept", "application/json");
      if (forwardedFor != null && !forwardedFor.isBlank()) {
        b.header("X-Forwarded-For", forwardedFor);
      }
      if (body != null) {
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError("The request to the gateway was interrupted.", e);
    }
    if (r.statusCode() / 100 != 2) throw failure(r.statusCode(), r.body());
    String answer = r.body();
    if (answer == null || answer.isEmpty()) return null;
    if (type == null) return (T) answer;
    try {
      return JSON.readValue(answer, type);
    } catch (IOException e) {
      throw new ApiError(r.statusCode(), null, "an answer that is not the expected JSON: " + e);
    }
  }

  /**
   * Opens a download (CSV, XLSX); the caller closes it. A non-2xx answer is an {@link ApiError}.
   */
  private InputStream stream(String path) {
    try {
      HttpResponse<InputStream> r =
          http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() / 100 == 2) return r.body();
      try (InputStream in = r.body()) {
        throw failure(
            r.statusCode(), new String(in.readNBytes(PROBLEM_BYTES), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError("The request to the gateway was interrupted.", e);
    }
  }

  private ApiError unreachable(IOException e) {
    if (e instanceof HttpTimeoutException) {
      return new ApiError(
          "The gateway did not answer in time (" + base + "). Please try again shortly.", e);
    }
    return new ApiError(
        "The gateway cannot be reached (" + base + "). Please try again shortly.", e);
  }

  private static ApiError failure(int status, String body) {
    Problem p = null;
    if (body != null && body.trim().startsWith("{")) {
      try {
        p = JSON.readValue(body, Problem.class);
        if (p.title() == null && p.detail() == null) p = null;
      } catch (IOException e) {
        // not a problem document: the raw body goes into the message
      }
    }
    return new ApiError(status, p, body);
  }

  private static String page(int page, int size) {
    return "?page=" + page + "&size=" + size;
  }

  /** The query string of {@code query} in its iteration order (no order for {@code Map.of}). */
  private static String query(Map<String, String> query) {
    if (query == null || query.isEmpty()) return "";
    return "?"
        + query.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
