package io.upsfleet.ui.testing;

import io.upsfleet.api.client.UpsfleetApi;
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
import java.util.List;
import java.util.Map;

/** An {@link UpsfleetApi} for unit tests: every call fails unless the test overrides it. */
public class StubUpsfleetApi implements UpsfleetApi {
  private static UnsupportedOperationException no() {
    return new UnsupportedOperationException("not stubbed");
  }

  @Override
  public void signOut() {
    throw no();
  }

  @Override
  public void signOutEverywhere() {
    throw no();
  }

  @Override
  public void changePassword(String currentPassword, String newPassword) {
    throw no();
  }

  @Override
  public PageView<AccountView> accounts(int page, int size) {
    throw no();
  }

  @Override
  public AccountView createAccount(String name) {
    throw no();
  }

  @Override
  public List<UserView> users(String accountId) {
    throw no();
  }

  @Override
  public UserView createUser(String accountId, CreateUserRequest request) {
    throw no();
  }

  @Override
  public UserView updateUser(String accountId, String userId, UpdateUserRequest request) {
    throw no();
  }

  @Override
  public UserView resetPassword(String accountId, String userId, String password) {
    throw no();
  }

  @Override
  public List<UserView> supportUsers() {
    throw no();
  }

  @Override
  public UserView createSupportUser(CreateUserRequest request) {
    throw no();
  }

  @Override
  public UserView updateSupportUser(String userId, UpdateUserRequest request) {
    throw no();
  }

  @Override
  public CursorPage<AuditEntryView> audit(Map<String, String> query) {
    throw no();
  }

  @Override
  public String auditCsv(Map<String, String> query) {
    throw no();
  }

  @Override
  public DeviceRegistration registerDevice(String serial, String model, String accountId) {
    throw no();
  }

  @Override
  public BulkRegistrationResult registerDevices(BulkRegistrationRequest request) {
    throw no();
  }

  @Override
  public PageView<DeviceSummary> devices(Map<String, String> query) {
    throw no();
  }

  @Override
  public DeviceCounts deviceCounts(String accountId) {
    throw no();
  }

  @Override
  public DeviceView device(String serial) {
    throw no();
  }

  @Override
  public TelemetryHistoryView telemetryHistory(String serial, Map<String, String> query) {
    throw no();
  }

  @Override
  public PageView<DeviceEventView> events(String serial, Map<String, String> query) {
    throw no();
  }

  @Override
  public DevicePlanView plan(String serial) {
    throw no();
  }

  @Override
  public void deregister(String serial) {
    throw no();
  }

  @Override
  public void transfer(String serial, String accountId) {
    throw no();
  }

  @Override
  public DeviceSecret rotateSecret(String serial) {
    throw no();
  }

  @Override
  public void setSite(String serial, String siteId) {
    throw no();
  }

  @Override
  public PageView<CommandView> commands(String serial, int page, int size) {
    throw no();
  }

  @Override
  public List<OperationAllowanceView> allowedOperations(String serial) {
    throw no();
  }

  @Override
  public CommandView sendCommand(String serial, CommandRequest request) {
    throw no();
  }

  @Override
  public CommandView cancelCommand(String serial, String commandId) {
    throw no();
  }

  @Override
  public RolloutView startRollout(RolloutRequest request) {
    throw no();
  }

  @Override
  public RolloutView rollout(String id) {
    throw no();
  }

  @Override
  public RolloutView rolloutAction(String id, String action) {
    throw no();
  }

  @Override
  public List<FirmwareRelease> firmware() {
    throw no();
  }

  @Override
  public CursorPage<FleetEventView> fleetEvents(
      Map<String, String> filters, String after, int size) {
    throw no();
  }

  @Override
  public InputStream fleetEventsCsv(Map<String, String> filters) {
    throw no();
  }

  @Override
  public InputStream report(String accountId, String file, Map<String, String> filters) {
    throw no();
  }

  @Override
  public List<LicenseOrderView> licenseOrders() {
    throw no();
  }

  @Override
  public LicenseOrderView createLicenseOrder(LicenseOrderRequest request) {
    throw no();
  }

  @Override
  public LicenseOrderView redeem(String code, String accountId) {
    throw no();
  }

  @Override
  public AssignmentResult assign(AssignmentRequest request) {
    throw no();
  }

  @Override
  public List<EntitlementView> entitlements(String accountId) {
    throw no();
  }

  @Override
  public List<SkuView> skus() {
    throw no();
  }

  @Override
  public List<SiteView> sites(String accountId) {
    throw no();
  }

  @Override
  public SiteView createSite(String accountId, SiteRequest request) {
    throw no();
  }

  @Override
  public List<DestinationView> destinations(String accountId) {
    throw no();
  }

  @Override
  public DestinationView createDestination(String accountId, DestinationRequest request) {
    throw no();
  }

  @Override
  public void deleteDestination(String accountId, String destinationId) {
    throw no();
  }

  @Override
  public DestinationTestResult testDestination(String accountId, String destinationId) {
    throw no();
  }

  @Override
  public List<PolicyView> policies(String accountId) {
    throw no();
  }

  @Override
  public PolicyView createPolicy(String accountId, PolicyRequest request) {
    throw no();
  }

  @Override
  public PolicyView updatePolicy(String accountId, String policyId, PolicyRequest request) {
    throw no();
  }

  @Override
  public void deletePolicy(String accountId, String policyId) {
    throw no();
  }

  @Override
  public List<DeliveryView> deliveries(String accountId) {
    throw no();
  }

  @Override
  public List<IncidentView> incidents(String accountId) {
    throw no();
  }

  @Override
  public ResellerView reseller(String accountId) {
    throw no();
  }

  @Override
  public ResellerView inviteReseller(String accountId, String email) {
    throw no();
  }

  @Override
  public void revokeReseller(String accountId) {
    throw no();
  }

  @Override
  public List<ResellerView> resellerAccounts() {
    throw no();
  }

  @Override
  public InputStream resellerReport(String accountId, String file) {
    throw no();
  }
}
