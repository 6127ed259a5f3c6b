package io.upsfleet.ui.gateway;

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
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The gateway's HTTP API as one signed-in user sees it. Every method is a blocking call that either
 * returns the answer or throws {@link GatewayException} (with the server's problem details, or a
 * transport failure as status 0). Implementations are thread-safe, so a view may hand its client to
 * the shared scheduler.
 */
public interface GatewayClient {

  /** Revokes this client's token ({@code POST /api/v1/auth/logout}). */
  void signOut();

  /** A page of accounts (support: all; customers: their own). */
  PageView<AccountView> accounts(int page, int size);

  AccountView createAccount(String name);

  List<UserView> users(String accountId);

  UserView createUser(String accountId, CreateUserRequest request);

  /** Disables / enables a user or changes its role (null leaves it as it is). */
  UserView updateUser(String accountId, String userId, UpdateUserRequest request);

  /** The newest records of the audit trail (support: all; account admin: their account's). */
  CursorPage<AuditEntryView> audit(int size);

  /**
   * Streams a report ({@code my-inventory.csv}, {@code my-renewals.xlsx}, …) of an account with the
   * device list's filters ({@code GET /api/v1/accounts/{id}/reports/{file}}); the caller closes it.
   */
  default InputStream report(String accountId, String file, Map<String, String> filters) {
    throw new UnsupportedOperationException("reports");
  }

  /** A page of the device directory; see {@link DeviceQuery} for what the API can filter on. */
  PageView<DeviceSummary> devices(DeviceQuery query);

  /**
   * Counts by health, by plan and of outdated firmware ({@code accountId} null: every account the
   * user sees).
   */
  DeviceCounts deviceCounts(String accountId);

  /**
   * A device's downsampled telemetry in {@code [from, to)}, oldest first, at most {@code maxPoints}
   * points.
   */
  TelemetryHistoryView telemetryHistory(String serial, Instant from, Instant to, int maxPoints);

  /** The live view of one device (asked of its entity). */
  DeviceView device(String serial);

  /** A page of a device's event log between {@code from} and {@code to}, newest first. */
  PageView<DeviceEventView> events(String serial, Instant from, Instant to, int page, int size);

  DevicePlanView plan(String serial);

  /**
   * A page of the device's commands, newest first ({@code GET …/commands?page=&size=}), with the
   * total number the device has.
   */
  PageView<CommandView> commands(String serial, int page, int size);

  /**
   * Which operations the device may be asked now and why not ({@code GET …/operations}): the plan
   * that would allow one, a running firmware upgrade, too many unfinished operations, no newer
   * firmware; with the outlet groups of the model and the firmware an upgrade would install.
   */
  List<OperationAllowanceView> allowedOperations(String serial);

  /**
   * Asks for an operation; the gateway answers 202 with the command in its first state (a refusal,
   * e.g. 403 for the plan or 429 for too many unfinished operations, is a {@link
   * GatewayException}).
   */
  CommandView sendCommand(String serial, CommandRequest request);

  List<LicenseOrderView> licenseOrders();

  LicenseOrderView createLicenseOrder(LicenseOrderRequest request);

  /** Redeems an activation code; support names the account, customers pass null. */
  LicenseOrderView redeem(String code, String accountId);

  AssignmentResult assign(AssignmentRequest request);

  List<EntitlementView> entitlements(String accountId);

  List<SkuView> skus();

  List<FirmwareRelease> firmware();

  // Notifications (issue 11). Defaults refuse, so that stubs need not implement them.

  default List<SiteView> sites(String accountId) {
    throw new UnsupportedOperationException("sites");
  }

  default SiteView createSite(String accountId, SiteRequest request) {
    throw new UnsupportedOperationException("createSite");
  }

  default List<DestinationView> destinations(String accountId) {
    throw new UnsupportedOperationException("destinations");
  }

  /** Creates a destination; a webhook's answer carries its signing secret, shown once. */
  default DestinationView createDestination(String accountId, DestinationRequest request) {
    throw new UnsupportedOperationException("createDestination");
  }

  /** Removes a destination (policies that name it stop sending to it). */
  default void deleteDestination(String accountId, String destinationId) {
    throw new UnsupportedOperationException("deleteDestination");
  }

  /** Replaces a policy ({@code PUT}): the whole policy, as on creation. */
  default PolicyView updatePolicy(String accountId, String policyId, PolicyRequest request) {
    throw new UnsupportedOperationException("updatePolicy");
  }

  default void deletePolicy(String accountId, String policyId) {
    throw new UnsupportedOperationException("deletePolicy");
  }

  /** Sends a test message to the destination now and tells how it went. */
  default DestinationTestResult testDestination(String accountId, String destinationId) {
    throw new UnsupportedOperationException("testDestination");
  }

  default List<PolicyView> policies(String accountId) {
    throw new UnsupportedOperationException("policies");
  }

  default PolicyView createPolicy(String accountId, PolicyRequest request) {
    throw new UnsupportedOperationException("createPolicy");
  }

  /** The newest messages of the delivery log. */
  default List<DeliveryView> deliveries(String accountId) {
    throw new UnsupportedOperationException("deliveries");
  }

  default List<IncidentView> incidents(String accountId) {
    throw new UnsupportedOperationException("incidents");
  }

  // People and lifecycles (issue 13). Defaults refuse, so that stubs need not implement them.

  /** Sets a password the user must change at next sign-in ({@code POST …/users/{id}/password}). */
  default UserView resetPassword(String accountId, String userId, String password) {
    throw new UnsupportedOperationException("resetPassword");
  }

  /** Changes the signed-in user's own password ({@code POST /api/v1/auth/password}). */
  default void changePassword(String currentPassword, String newPassword) {
    throw new UnsupportedOperationException("changePassword");
  }

  default List<UserView> supportUsers() {
    throw new UnsupportedOperationException("supportUsers");
  }

  default UserView createSupportUser(CreateUserRequest request) {
    throw new UnsupportedOperationException("createSupportUser");
  }

  /** Disables or enables a support user (the gateway refuses to disable the last active one). */
  default UserView updateSupportUser(String userId, UpdateUserRequest request) {
    throw new UnsupportedOperationException("updateSupportUser");
  }

  /** Deregisters a device: its credentials stop working at once, it leaves lists and counts. */
  default void deregister(String serial) {
    throw new UnsupportedOperationException("deregister");
  }

  /** Moves a device to another account (support only). */
  default void transfer(String serial, String accountId) {
    throw new UnsupportedOperationException("transfer");
  }

  /** Issues a new secret for the device; the answer is the only time it is shown. */
  default DeviceSecret rotateSecret(String serial) {
    throw new UnsupportedOperationException("rotateSecret");
  }

  /**
   * The site the device is in (from the device list's {@code site} filter, one request per site of
   * the account), or null when it is in none. The list trails the device slightly.
   */
  default SiteView siteOf(String serial, String accountId) {
    throw new UnsupportedOperationException("siteOf");
  }

  /** Puts the device in a site of its account; null takes it out of any site. */
  default void setSite(String serial, String siteId) {
    throw new UnsupportedOperationException("setSite");
  }

  default CommandView cancelCommand(String serial, String commandId) {
    throw new UnsupportedOperationException("cancelCommand");
  }

  /**
   * A page of the fleet-wide event feed, newest first ({@code GET /api/v1/events}) with the given
   * filters ({@code type}, {@code site}, {@code severity}, {@code serial}, {@code accountId}, …);
   * {@code after} is the previous page's {@code next} or null.
   */
  default CursorPage<FleetEventView> fleetEvents(
      Map<String, String> filters, String after, int size) {
    throw new UnsupportedOperationException("fleetEvents");
  }

  /** The same feed as CSV ({@code format=csv}); the caller closes it. */
  default InputStream fleetEventsCsv(Map<String, String> filters) {
    throw new UnsupportedOperationException("fleetEventsCsv");
  }

  /** Registers up to 1000 devices; the answer names each registered device and each refusal. */
  default BulkRegistrationResult registerDevices(BulkRegistrationRequest request) {
    throw new UnsupportedOperationException("registerDevices");
  }

  // Reseller renewal support (issue 12).

  /** The account's preferred reseller and consent, or null when it has named none. */
  default ResellerView reseller(String accountId) {
    throw new UnsupportedOperationException("reseller");
  }

  /**
   * Names a preferred reseller (consent to share lifecycle data); the invitation goes by e-mail.
   */
  default ResellerView inviteReseller(String accountId, String email) {
    throw new UnsupportedOperationException("inviteReseller");
  }

  /** Revokes the consent: no more mail, and the reseller's access ends at once. */
  default void revokeReseller(String accountId) {
    throw new UnsupportedOperationException("revokeReseller");
  }

  /** A reseller's consenting accounts. */
  default List<ResellerView> resellerAccounts() {
    throw new UnsupportedOperationException("resellerAccounts");
  }

  /** Streams MyRenewals ({@code my-renewals.csv} or {@code .xlsx}) of a consenting account. */
  default InputStream resellerReport(String accountId, String file) {
    throw new UnsupportedOperationException("resellerReport");
  }

  // Firmware rollouts.

  default RolloutView startRollout(RolloutRequest request) {
    throw new UnsupportedOperationException("startRollout");
  }

  default RolloutView rollout(String id) {
    throw new UnsupportedOperationException("rollout");
  }

  /** {@code action}: {@code pause}, {@code resume} or {@code abort}. */
  default RolloutView rolloutAction(String id, String action) {
    throw new UnsupportedOperationException("rolloutAction");
  }
}
