package io.upsfleet.ui.gateway;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.upsfleet.api.rest.RedeemRequest;
import io.upsfleet.api.rest.ResellerInviteRequest;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.api.rest.ResetPasswordRequest;
import io.upsfleet.api.rest.RolloutRequest;
import io.upsfleet.api.rest.RolloutView;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.TransferRequest;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link GatewayClient} over {@link GatewayHttp}, bound to one bearer token. Thread-safe. */
final class HttpGatewayClient implements GatewayClient {
  private static final TypeReference<PageView<DeviceSummary>> DEVICE_PAGE =
      new TypeReference<>() {};
  private static final TypeReference<PageView<DeviceEventView>> EVENT_PAGE =
      new TypeReference<>() {};
  private static final TypeReference<PageView<CommandView>> COMMAND_PAGE = new TypeReference<>() {};
  private static final TypeReference<PageView<AccountView>> ACCOUNT_PAGE = new TypeReference<>() {};
  private static final TypeReference<PageView<LicenseOrderView>> ORDER_PAGE =
      new TypeReference<>() {};

  private final GatewayHttp http;
  private final String token;

  HttpGatewayClient(GatewayHttp http, String token) {
    this.http = http;
    this.token = token;
  }

  @Override
  public void signOut() {
    http.call("POST", "/api/v1/auth/logout", null, token, null, null);
  }

  @Override
  public PageView<AccountView> accounts(int page, int size) {
    return get(
        "/api/v1/accounts" + GatewayHttp.query(Map.of("page", "" + page, "size", "" + size)),
        ACCOUNT_PAGE);
  }

  @Override
  public AccountView createAccount(String name) {
    return post("/api/v1/accounts", new CreateAccountRequest(name), new TypeReference<>() {});
  }

  @Override
  public List<UserView> users(String accountId) {
    return get(
        "/api/v1/accounts/" + GatewayHttp.encode(accountId) + "/users", new TypeReference<>() {});
  }

  @Override
  public UserView createUser(String accountId, CreateUserRequest request) {
    return post(
        "/api/v1/accounts/" + GatewayHttp.encode(accountId) + "/users",
        request,
        new TypeReference<>() {});
  }

  @Override
  public UserView updateUser(String accountId, String userId, UpdateUserRequest request) {
    return http.call(
        "PATCH",
        "/api/v1/accounts/"
            + GatewayHttp.encode(accountId)
            + "/users/"
            + GatewayHttp.encode(userId),
        request,
        token,
        null,
        new TypeReference<>() {});
  }

  @Override
  public CursorPage<AuditEntryView> audit(int size) {
    return get("/api/v1/audit?size=" + size, new TypeReference<>() {});
  }

  @Override
  public InputStream report(String accountId, String file, Map<String, String> filters) {
    return http.stream(
        "/api/v1/accounts/"
            + GatewayHttp.encode(accountId)
            + "/reports/"
            + GatewayHttp.encode(file)
            + GatewayHttp.query(filters),
        token);
  }

  @Override
  public PageView<DeviceSummary> devices(DeviceQuery query) {
    return get("/api/v1/devices" + GatewayHttp.query(query.parameters()), DEVICE_PAGE);
  }

  @Override
  public DeviceCounts deviceCounts(String accountId) {
    Map<String, String> q = accountId == null ? Map.of() : Map.of("accountId", accountId);
    return get("/api/v1/devices/summary" + GatewayHttp.query(q), new TypeReference<>() {});
  }

  @Override
  public TelemetryHistoryView telemetryHistory(
      String serial, Instant from, Instant to, int maxPoints) {
    Map<String, String> q = new LinkedHashMap<>();
    if (from != null) q.put("from", from.toString());
    if (to != null) q.put("to", to.toString());
    q.put("maxPoints", Integer.toString(maxPoints));
    return get(
        "/api/v1/devices/" + GatewayHttp.encode(serial) + "/telemetry" + GatewayHttp.query(q),
        new TypeReference<>() {});
  }

  @Override
  public DeviceView device(String serial) {
    return get("/api/v1/devices/" + GatewayHttp.encode(serial), new TypeReference<>() {});
  }

  @Override
  public PageView<DeviceEventView> events(
      String serial, Instant from, Instant to, int page, int size) {
    Map<String, String> q = new LinkedHashMap<>();
    if (from != null) q.put("from", from.toString());
    if (to != null) q.put("to", to.toString());
    q.put("page", Integer.toString(page));
    q.put("size", Integer.toString(size));
    return get(
        "/api/v1/devices/" + GatewayHttp.encode(serial) + "/events" + GatewayHttp.query(q),
        EVENT_PAGE);
  }

  @Override
  public DevicePlanView plan(String serial) {
    return get("/api/v1/devices/" + GatewayHttp.encode(serial) + "/plan", new TypeReference<>() {});
  }

  @Override
  public PageView<CommandView> commands(String serial, int page, int size) {
    return get(
        "/api/v1/devices/"
            + GatewayHttp.encode(serial)
            + "/commands?page="
            + page
            + "&size="
            + size,
        COMMAND_PAGE);
  }

  @Override
  public List<OperationAllowanceView> allowedOperations(String serial) {
    return get(
        "/api/v1/devices/" + GatewayHttp.encode(serial) + "/operations", new TypeReference<>() {});
  }

  @Override
  public CommandView sendCommand(String serial, CommandRequest request) {
    return post(
        "/api/v1/devices/" + GatewayHttp.encode(serial) + "/commands",
        request,
        new TypeReference<>() {});
  }

  @Override
  public List<LicenseOrderView> licenseOrders() {
    return get("/api/v1/license-orders" + GatewayHttp.query(Map.of("size", "500")), ORDER_PAGE)
        .items();
  }

  @Override
  public LicenseOrderView createLicenseOrder(LicenseOrderRequest request) {
    return post("/api/v1/license-orders", request, new TypeReference<>() {});
  }

  @Override
  public LicenseOrderView redeem(String code, String accountId) {
    return post(
        "/api/v1/activation-codes/" + GatewayHttp.encode(code.trim()) + "/redeem",
        new RedeemRequest(accountId),
        new TypeReference<>() {});
  }

  @Override
  public AssignmentResult assign(AssignmentRequest request) {
    return post("/api/v1/assignments", request, new TypeReference<>() {});
  }

  @Override
  public List<EntitlementView> entitlements(String accountId) {
    return get(
        "/api/v1/accounts/" + GatewayHttp.encode(accountId) + "/entitlements",
        new TypeReference<>() {});
  }

  @Override
  public List<SkuView> skus() {
    return get("/api/v1/skus", new TypeReference<>() {});
  }

  @Override
  public List<FirmwareRelease> firmware() {
    return get("/api/v1/firmware", new TypeReference<>() {});
  }

  private static String account(String accountId, String rest) {
    return "/api/v1/accounts/" + GatewayHttp.encode(accountId) + rest;
  }

  @Override
  public List<SiteView> sites(String accountId) {
    return get(account(accountId, "/sites"), new TypeReference<>() {});
  }

  @Override
  public SiteView createSite(String accountId, SiteRequest request) {
    return post(account(accountId, "/sites"), request, new TypeReference<>() {});
  }

  @Override
  public List<DestinationView> destinations(String accountId) {
    return get(account(accountId, "/notification-destinations"), new TypeReference<>() {});
  }

  @Override
  public DestinationView createDestination(String accountId, DestinationRequest request) {
    return post(
        account(accountId, "/notification-destinations"), request, new TypeReference<>() {});
  }

  @Override
  public void deleteDestination(String accountId, String destinationId) {
    http.call(
        "DELETE",
        account(accountId, "/notification-destinations/" + GatewayHttp.encode(destinationId)),
        null,
        token,
        null,
        null);
  }

  @Override
  public PolicyView updatePolicy(String accountId, String policyId, PolicyRequest request) {
    return http.call(
        "PUT",
        account(accountId, "/notification-policies/" + GatewayHttp.encode(policyId)),
        request,
        token,
        null,
        new TypeReference<>() {});
  }

  @Override
  public void deletePolicy(String accountId, String policyId) {
    http.call(
        "DELETE",
        account(accountId, "/notification-policies/" + GatewayHttp.encode(policyId)),
        null,
        token,
        null,
        null);
  }

  @Override
  public DestinationTestResult testDestination(String accountId, String destinationId) {
    return post(
        account(
            accountId, "/notification-destinations/" + GatewayHttp.encode(destinationId) + "/test"),
        null,
        new TypeReference<>() {});
  }

  @Override
  public List<PolicyView> policies(String accountId) {
    return get(account(accountId, "/notification-policies"), new TypeReference<>() {});
  }

  @Override
  public PolicyView createPolicy(String accountId, PolicyRequest request) {
    return post(account(accountId, "/notification-policies"), request, new TypeReference<>() {});
  }

  @Override
  public List<DeliveryView> deliveries(String accountId) {
    return get(account(accountId, "/notification-deliveries?size=100"), new TypeReference<>() {});
  }

  @Override
  public List<IncidentView> incidents(String accountId) {
    return get(account(accountId, "/incidents?size=100"), new TypeReference<>() {});
  }

  @Override
  public UserView resetPassword(String accountId, String userId, String password) {
    return post(
        account(accountId, "/users/" + GatewayHttp.encode(userId) + "/password"),
        new ResetPasswordRequest(password),
        new TypeReference<>() {});
  }

  @Override
  public void changePassword(String currentPassword, String newPassword) {
    http.call(
        "POST",
        "/api/v1/auth/password",
        new ChangePasswordRequest(currentPassword, newPassword),
        token,
        null,
        null);
  }

  @Override
  public List<UserView> supportUsers() {
    return get("/api/v1/support-users", new TypeReference<>() {});
  }

  @Override
  public UserView createSupportUser(CreateUserRequest request) {
    return post("/api/v1/support-users", request, new TypeReference<>() {});
  }

  @Override
  public UserView updateSupportUser(String userId, UpdateUserRequest request) {
    return http.call(
        "PATCH",
        "/api/v1/support-users/" + GatewayHttp.encode(userId),
        request,
        token,
        null,
        new TypeReference<>() {});
  }

  @Override
  public void deregister(String serial) {
    http.call("DELETE", device(serial, ""), null, token, null, null);
  }

  @Override
  public void transfer(String serial, String accountId) {
    http.call(
        "POST", device(serial, "/transfer"), new TransferRequest(accountId), token, null, null);
  }

  @Override
  public DeviceSecret rotateSecret(String serial) {
    return post(device(serial, "/secret"), null, new TypeReference<>() {});
  }

  @Override
  public SiteView siteOf(String serial, String accountId) {
    for (SiteView site : sites(accountId)) {
      if (site.devices() == 0) continue;
      Map<String, String> q = new LinkedHashMap<>();
      q.put("accountId", accountId);
      q.put("site", site.id());
      q.put("q", serial);
      q.put("size", "100");
      PageView<DeviceSummary> page = get("/api/v1/devices" + GatewayHttp.query(q), DEVICE_PAGE);
      if (page.items().stream().anyMatch(d -> d.serial().equals(serial))) return site;
    }
    return null;
  }

  @Override
  public void setSite(String serial, String siteId) {
    http.call(
        "PATCH",
        device(serial, ""),
        new DevicePatchRequest(siteId == null ? "" : siteId),
        token,
        null,
        null);
  }

  @Override
  public CommandView cancelCommand(String serial, String commandId) {
    return post(
        device(serial, "/commands/" + GatewayHttp.encode(commandId) + "/cancel"),
        null,
        new TypeReference<>() {});
  }

  @Override
  public CursorPage<FleetEventView> fleetEvents(
      Map<String, String> filters, String after, int size) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    if (after != null) q.put("after", after);
    q.put("size", Integer.toString(size));
    return get("/api/v1/events" + GatewayHttp.query(q), new TypeReference<>() {});
  }

  @Override
  public InputStream fleetEventsCsv(Map<String, String> filters) {
    Map<String, String> q = new LinkedHashMap<>(filters);
    q.put("format", "csv");
    return http.stream("/api/v1/events" + GatewayHttp.query(q), token);
  }

  @Override
  public BulkRegistrationResult registerDevices(BulkRegistrationRequest request) {
    return post("/api/v1/devices/bulk", request, new TypeReference<>() {});
  }

  @Override
  public ResellerView reseller(String accountId) {
    try {
      return get(account(accountId, "/reseller"), new TypeReference<>() {});
    } catch (GatewayException e) {
      if (e.status() == 404) return null;
      throw e;
    }
  }

  @Override
  public ResellerView inviteReseller(String accountId, String email) {
    return post(
        account(accountId, "/reseller"),
        new ResellerInviteRequest(email),
        new TypeReference<>() {});
  }

  @Override
  public void revokeReseller(String accountId) {
    http.call("DELETE", account(accountId, "/reseller"), null, token, null, null);
  }

  @Override
  public List<ResellerView> resellerAccounts() {
    return get("/api/v1/reseller/accounts", new TypeReference<>() {});
  }

  @Override
  public InputStream resellerReport(String accountId, String file) {
    return http.stream(
        "/api/v1/reseller/accounts/"
            + GatewayHttp.encode(accountId)
            + "/reports/"
            + GatewayHttp.encode(file),
        token);
  }

  @Override
  public RolloutView startRollout(RolloutRequest request) {
    return post("/api/v1/firmware-rollouts", request, new TypeReference<>() {});
  }

  @Override
  public RolloutView rollout(String id) {
    return get("/api/v1/firmware-rollouts/" + GatewayHttp.encode(id), new TypeReference<>() {});
  }

  @Override
  public RolloutView rolloutAction(String id, String action) {
    return post(
        "/api/v1/firmware-rollouts/" + GatewayHttp.encode(id) + "/" + GatewayHttp.encode(action),
        null,
        new TypeReference<>() {});
  }

  private static String device(String serial, String rest) {
    return "/api/v1/devices/" + GatewayHttp.encode(serial) + rest;
  }

  private <T> T get(String path, TypeReference<T> type) {
    return http.call("GET", path, null, token, null, type);
  }

  private <T> T post(String path, Object body, TypeReference<T> type) {
    return http.call("POST", path, body, token, null, type);
  }

  static ObjectMapper json() {
    return GatewayHttp.JSON;
  }
}
