package io.upsfleet.ui.testing;

import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.FirmwareRelease;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.ui.gateway.DeviceQuery;
import io.upsfleet.ui.gateway.GatewayClient;
import io.upsfleet.ui.gateway.SkuView;
import java.time.Instant;
import java.util.List;

/** A {@link GatewayClient} for unit tests: every call fails unless the test overrides it. */
public class StubGatewayClient implements GatewayClient {
  private static UnsupportedOperationException no() {
    return new UnsupportedOperationException("not stubbed");
  }

  @Override
  public void signOut() {
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
  public CursorPage<AuditEntryView> audit(int size) {
    throw no();
  }

  @Override
  public PageView<DeviceSummary> devices(DeviceQuery query) {
    throw no();
  }

  @Override
  public DeviceCounts deviceCounts(String accountId) {
    throw no();
  }

  @Override
  public TelemetryHistoryView telemetryHistory(
      String serial, Instant from, Instant to, int maxPoints) {
    throw no();
  }

  @Override
  public DeviceView device(String serial) {
    throw no();
  }

  @Override
  public PageView<DeviceEventView> events(
      String serial, Instant from, Instant to, int page, int size) {
    throw no();
  }

  @Override
  public DevicePlanView plan(String serial) {
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
  public List<FirmwareRelease> firmware() {
    throw no();
  }
}
