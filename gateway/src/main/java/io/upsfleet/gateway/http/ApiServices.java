package io.upsfleet.gateway.http;

import io.upsfleet.cluster.account.Account;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.IssuedToken;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import io.upsfleet.cluster.command.FirmwareRollout;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.licensing.LicenseOrder;
import io.upsfleet.cluster.licensing.Licensing;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.report.DeviceReports;
import io.upsfleet.cluster.report.Report;
import io.upsfleet.cluster.reseller.ResellerSupport;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Everything the routes ask of the rest of the node, one small interface per resource. {@link
 * ClusterApiServices} implements them over the cluster; route tests implement what they need with
 * fakes. Methods must not block; their stages may complete on any thread.
 */
public record ApiServices(
    TokenService tokens,
    AccountService accounts,
    DeviceService devices,
    DirectoryService directory,
    CredentialService credentials,
    HistoryService history,
    LicenseService licensing,
    RolloutService rollouts,
    AuditService audit,
    HealthService health) {

  /** Bearer tokens. */
  public interface TokenService {
    CompletionStage<Optional<IssuedToken>> issueToken(String username, String password);

    /** The grant of a valid, unexpired token; empty otherwise. */
    CompletionStage<Optional<Accounts.TokenGrant>> resolveToken(String token);

    CompletionStage<Boolean> revokeToken(String token);
  }

  /** Accounts and users. */
  public interface AccountService {
    CompletionStage<Account> createAccount(String name, String createdBy);

    CompletionStage<Optional<Account>> account(UUID id);

    CompletionStage<List<Account>> accounts(Optional<UUID> only, int offset, int limit);

    CompletionStage<Long> countAccounts(Optional<UUID> only);

    CompletionStage<User> createUser(String username, String password, Role role, UUID accountId);

    CompletionStage<List<User>> users(Optional<UUID> accountId);

    /** The account's reseller support (issue 12): consents, invitations, access. */
    ResellerSupport resellers();
  }

  /** The device entities. */
  public interface DeviceService {
    CompletionStage<UpsDevice.Confirmation> register(String serial, String model, String accountId);

    /** The live view; {@code registered() == false} when there is no such device. */
    CompletionStage<DeviceSnapshot> snapshot(String serial);

    CompletionStage<UpsDevice.PlanReply> plan(String serial);

    CompletionStage<UpsDevice.OperationReply> requestOperation(
        String serial, Operation operation, Duration ttl, String by, String idempotencyKey);

    CompletionStage<UpsDevice.OperationReply> cancelOperation(
        String serial, String commandId, String by);

    /** A page of the device's operations, newest first. */
    CompletionStage<UpsDevice.OperationReply> operations(String serial, int offset, int limit);

    /** Which operations the device may be asked now, and why not. */
    CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial);
  }

  /** The devices' read model: lists, counts and event logs. */
  public interface DirectoryService {
    CompletionStage<DeviceDirectory.Page<DeviceDirectory.Entry>> page(
        DeviceDirectory.Query query, int page, int size);

    CompletionStage<DeviceDirectory.Counts> counts(Optional<UUID> account);

    CompletionStage<DeviceDirectory.Page<DeviceDirectory.LoggedEvent>> events(
        String serial, Instant from, Instant to, int page, int size);

    /** Streams a report to the writer {@code opener} opens; completes with the rows written. */
    CompletionStage<Long> report(
        Report report, DeviceReports.Filter filter, Instant now, DeviceReports.WriterOpener opener);
  }

  /** Device secrets. */
  public interface CredentialService {
    /** A new device's secret, shown once; empty when the serial already has one. */
    CompletionStage<Optional<String>> create(String serial, UUID accountId);

    CompletionStage<Void> delete(String serial);
  }

  /** The downsampled telemetry history. */
  public interface HistoryService {
    CompletionStage<List<TelemetryHistory.Point>> read(
        String serial, Instant from, Instant to, int maxPoints);
  }

  /** License orders, codes and assignments. */
  public interface LicenseService {
    CompletionStage<LicenseOrder.OrderView> createOrder(
        String poNumber,
        List<Licensing.LineRequest> lines,
        String channel,
        String installerEmail,
        String by);

    CompletionStage<LicenseOrder.OrderView> resend(UUID orderId, String by);

    CompletionStage<LicenseOrder.OrderView> get(UUID orderId);

    CompletionStage<LicenseOrder.OrderView> redeem(String typed, UUID accountId, String by);

    CompletionStage<List<Licensing.DeviceOutcome>> assign(
        String typedCode,
        UUID accountId,
        List<String> serials,
        List<String> skus,
        boolean preview,
        String by,
        String idempotencyKey);

    CompletionStage<List<Licensing.OrderSummary>> orders(
        Optional<UUID> account, int page, int size);

    CompletionStage<List<Licensing.LineSummary>> entitlements(UUID account);
  }

  /** Firmware rollouts. */
  public interface RolloutService {
    CompletionStage<FirmwareRollout.Reply> start(
        String accountId, List<String> serials, int concurrency, int abortAfterFailures, String by);

    CompletionStage<FirmwareRollout.Reply> get(String id);

    CompletionStage<FirmwareRollout.Reply> pause(String id, String by);

    CompletionStage<FirmwareRollout.Reply> resume(String id, String by);

    CompletionStage<FirmwareRollout.Reply> abort(String id, String by);
  }

  /** The audit log; a record never fails the action it records. */
  public interface AuditService {
    void record(
        String actor, UUID accountId, String action, String target, String outcome, String details);
  }

  /** What readiness checks besides the MQTT listener and the database write probe. */
  public interface HealthService {
    /** Whether this node is an Up member of the cluster. */
    boolean clusterUp();
  }
}
