package io.upsfleet.api.client;

import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.api.rest.BulkRegistrationRequest;
import io.upsfleet.api.rest.BulkRegistrationResult;
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.DeliveryView;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationTestResult;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceEventView;
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
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.api.rest.RolloutRequest;
import io.upsfleet.api.rest.RolloutView;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.api.rest.SkuView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API ({@code /api/v1}) as one signed-in user sees it; {@link UpsfleetClient} is its
 * implementation, and tests of code that uses the API may fake this interface. Every method is a
 * blocking call that returns the answer or throws {@link UpsfleetClient.ApiError}: the server's
 * problem details, or a transport failure ({@link UpsfleetClient.ApiError#isTransportFailure()}).
 * The default methods only reshape their arguments for another method; none sends a request of its
 * own.
 */
public interface UpsfleetApi {

  // Session and people.

  /** Revokes this client's token ({@code POST /api/v1/auth/logout}). */
  void signOut();

  /** Revokes every token of the signed-in user ({@code POST /api/v1/auth/logout-all}). */
  void signOutEverywhere();

  /** Changes the signed-in user's own password (other sessions are signed out). */
  void changePassword(String currentPassword, String newPassword);

  /** A page of accounts (support: all; customers: their own). */
  PageView<AccountView> accounts(int page, int size);

  AccountView createAccount(String name);

  /** The users of an account. */
  List<UserView> users(String accountId);

  UserView createUser(String accountId, CreateUserRequest request);

  default UserView createUser(String accountId, String username, String password, String role) {
    return createUser(accountId, new CreateUserRequest(username, password, role));
  }

  /** Disables / enables a user or changes its role (null leaves it as it is). */
  UserView updateUser(String accountId, String userId, UpdateUserRequest request);

  default UserView updateUser(String accountId, String userId, Boolean disabled, String role) {
    return updateUser(accountId, userId, new UpdateUserRequest(disabled, role));
  }

  /** Sets a password the user must change at next sign-in. */
  UserView resetPassword(String accountId, String userId, String password);

  List<UserView> supportUsers();

  UserView createSupportUser(CreateUserRequest request);

  /** Disables or enables a support user (the gateway refuses to disable the last active one). */
  UserView updateSupportUser(String userId, UpdateUserRequest request);

  default UserView updateSupportUser(String userId, boolean disabled) {
    return updateSupportUser(userId, new UpdateUserRequest(disabled, null));
  }

  /**
   * A page of the audit trail, newest first; {@code query} holds the filters ({@code from}, {@code
   * to}, {@code actor}, {@code action}, {@code outcome}, {@code accountId}, {@code after}, {@code
   * size}).
   */
  CursorPage<AuditEntryView> audit(Map<String, String> query);

  /** The audit trail as CSV, with the same filters. */
  String auditCsv(Map<String, String> query);

  // Devices.

  DeviceRegistration registerDevice(String serial, String model, String accountId);

  /** Registers up to 1000 devices; the answer names each registered device and each refusal. */
  BulkRegistrationResult registerDevices(BulkRegistrationRequest request);

  default BulkRegistrationResult registerDevices(
      String accountId, List<BulkRegistrationRequest.Device> devices) {
    return registerDevices(new BulkRegistrationRequest(accountId, devices));
  }

  /**
   * A page of devices; {@code query} holds optional {@code status}, {@code q}, {@code plan}, {@code
   * model}, {@code site}, {@code firmwareOutdated}, {@code sort}, {@code accountId}, {@code page},
   * {@code size}.
   */
  PageView<DeviceSummary> devices(Map<String, String> query);

  /** A page of the device directory; see {@link DeviceQuery} for what the API can filter on. */
  default PageView<DeviceSummary> devices(DeviceQuery query) {
    return devices(query.parameters());
  }

  /**
   * Counts by health, by plan and of outdated firmware; {@code accountId} may be null (every
   * account the user sees).
   */
  DeviceCounts deviceCounts(String accountId);

  /** The live view of one device (asked of its entity). */
  DeviceView device(String serial);

  /**
   * A device's downsampled telemetry, oldest first; {@code query} holds optional {@code from},
   * {@code to} (ISO-8601 instants; default the last 24 h) and {@code maxPoints} (1..1440).
   */
  TelemetryHistoryView telemetryHistory(String serial, Map<String, String> query);

  /** Telemetry in {@code [from, to)} (null: the API's default), at most {@code maxPoints}. */
  default TelemetryHistoryView telemetryHistory(
      String serial, Instant from, Instant to, int maxPoints) {
    Map<String, String> q = range(from, to);
    q.put("maxPoints", Integer.toString(maxPoints));
    return telemetryHistory(serial, q);
  }

  /**
   * A page of a device's event log, newest first; {@code query} holds optional {@code from}, {@code
   * to}, {@code page}, {@code size}.
   */
  PageView<DeviceEventView> events(String serial, Map<String, String> query);

  default PageView<DeviceEventView> events(
      String serial, Instant from, Instant to, int page, int size) {
    Map<String, String> q = range(from, to);
    q.put("page", Integer.toString(page));
    q.put("size", Integer.toString(size));
    return events(serial, q);
  }

  DevicePlanView plan(String serial);

  /** Deregisters a device: its credentials stop working at once, it leaves lists and counts. */
  void deregister(String serial);

  /** Moves a device to another account (support only). */
  void transfer(String serial, String accountId);

  /** Issues a new secret for the device; the answer is the only time it is shown. */
  DeviceSecret rotateSecret(String serial);

  /** Puts the device in a site of its account; null takes it out of any site. */
  void setSite(String serial, String siteId);

  /**
   * The site the device is in (from the device list's {@code site} filter, one request per site of
   * the account), or null when it is in none. The list trails the device slightly.
   */
  default SiteView siteOf(String serial, String accountId) {
    for (SiteView site : sites(accountId)) {
      if (site.devices() == 0) continue;
      Map<String, String> q = new LinkedHashMap<>();
      q.put("accountId", accountId);
      q.put("site", site.id());
      q.put("q", serial);
      q.put("size", "100");
      if (devices(q).items().stream().anyMatch(d -> d.serial().equals(serial))) return site;
    }
    return null;
  }

  // Remote operations.

  /** A page of the device's commands, newest first, with the total number the device has. */
  PageView<CommandView> commands(String serial, int page, int size);

  /**
   * Which operations the device may be asked now and why not: the plan that would allow one, a
   * running firmware upgrade, too many unfinished operations, no newer firmware; with the outlet
   * groups of the model and the firmware an upgrade would install.
   */
  List<OperationAllowanceView> allowedOperations(String serial);

  /**
   * Asks for an operation; the gateway answers 202 with the command in its first state (a refusal,
   * e.g. 403 for the plan or 429 for too many unfinished operations, is an {@link
   * UpsfleetClient.ApiError}).
   */
  CommandView sendCommand(String serial, CommandRequest request);

  CommandView cancelCommand(String serial, String commandId);

  RolloutView startRollout(RolloutRequest request);

  RolloutView rollout(String id);

  /** {@code action}: {@code pause}, {@code resume} or {@code abort}. */
  RolloutView rolloutAction(String id, String action);

  List<FirmwareRelease> firmware();

  // Fleet-wide events and reports.

  /**
   * A page of the fleet-wide event feed, newest first ({@code GET /api/v1/events}) with the given
   * filters ({@code type}, {@code site}, {@code severity}, {@code serial}, {@code accountId}, …);
   * {@code after} is the previous page's {@code next} or null.
   */
  CursorPage<FleetEventView> fleetEvents(Map<String, String> filters, String after, int size);

  /** The same feed as CSV ({@code format=csv}); the caller closes it. */
  InputStream fleetEventsCsv(Map<String, String> filters);

  /**
   * Streams a report ({@code my-inventory.csv}, {@code my-renewals.xlsx}, …) of an account with the
   * device list's filters; the caller closes it.
   */
  InputStream report(String accountId, String file, Map<String, String> filters);

  // Licensing.

  List<LicenseOrderView> licenseOrders();

  /** Creates a purchase order (support); the answer carries the activation code. */
  LicenseOrderView createLicenseOrder(LicenseOrderRequest request);

  default LicenseOrderView createOrder(
      String poNumber, String sku, int quantity, String channel, String installerEmail) {
    return createLicenseOrder(
        new LicenseOrderRequest(poNumber, sku, quantity, null, channel, installerEmail));
  }

  /** Redeems an activation code; support names the account, customers pass null. */
  LicenseOrderView redeem(String code, String accountId);

  /** Assigns one entitlement of each SKU to each device (or previews it). */
  AssignmentResult assign(AssignmentRequest request);

  default AssignmentResult assign(
      String code, List<String> serials, List<String> skus, boolean preview, String accountId) {
    return assign(new AssignmentRequest(code, serials, skus, preview, accountId));
  }

  List<EntitlementView> entitlements(String accountId);

  List<SkuView> skus();

  // Notifications.

  List<SiteView> sites(String accountId);

  SiteView createSite(String accountId, SiteRequest request);

  List<DestinationView> destinations(String accountId);

  /** Creates a destination; a webhook's answer carries its signing secret, shown once. */
  DestinationView createDestination(String accountId, DestinationRequest request);

  /** Removes a destination (policies that name it stop sending to it). */
  void deleteDestination(String accountId, String destinationId);

  /** Sends a test message to the destination now and tells how it went. */
  DestinationTestResult testDestination(String accountId, String destinationId);

  List<PolicyView> policies(String accountId);

  PolicyView createPolicy(String accountId, PolicyRequest request);

  /** Replaces a policy ({@code PUT}): the whole policy, as on creation. */
  PolicyView updatePolicy(String accountId, String policyId, PolicyRequest request);

  void deletePolicy(String accountId, String policyId);

  /** The newest messages of the delivery log. */
  List<DeliveryView> deliveries(String accountId);

  List<IncidentView> incidents(String accountId);

  // Resellers.

  /** The account's preferred reseller and consent, or null when it has named none. */
  ResellerView reseller(String accountId);

  /**
   * Names a preferred reseller (consent to share lifecycle data); the invitation goes by e-mail.
   */
  ResellerView inviteReseller(String accountId, String email);

  /** Revokes the consent: no more mail, and the reseller's access ends at once. */
  void revokeReseller(String accountId);

  /** A reseller's consenting accounts. */
  List<ResellerView> resellerAccounts();

  /** Streams MyRenewals ({@code my-renewals.csv} or {@code .xlsx}) of a consenting account. */
  InputStream resellerReport(String accountId, String file);

  private static Map<String, String> range(Instant from, Instant to) {
    Map<String, String> q = new LinkedHashMap<>();
    if (from != null) q.put("from", from.toString());
    if (to != null) q.put("to", to.toString());
    return q;
  }
}
