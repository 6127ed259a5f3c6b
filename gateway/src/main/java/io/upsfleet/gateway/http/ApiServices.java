package io.upsfleet.gateway.http;

import io.upsfleet.cluster.account.Account;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.IssuedToken;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.command.FirmwareRollout;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.EventFeed;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.licensing.LicenseOrder;
import io.upsfleet.cluster.licensing.Licensing;
import io.upsfleet.cluster.notify.Destination;
import io.upsfleet.cluster.notify.DestinationType;
import io.upsfleet.cluster.notify.NotificationStore;
import io.upsfleet.cluster.notify.Notifications;
import io.upsfleet.cluster.notify.Policy;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.report.DeviceReports;
import io.upsfleet.cluster.report.Report;
import io.upsfleet.cluster.reseller.ResellerSupport;
import io.upsfleet.cluster.site.Site;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

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
    HealthService health,
    NotificationService notifications) {

  /** Without notifications (route tests that do not need them). */
  public ApiServices(
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
    this(
        tokens,
        accounts,
        devices,
        directory,
        credentials,
        history,
        licensing,
        rollouts,
        audit,
        health,
        null);
  }

  /** Sites, notification destinations and policies, deliveries and incidents (issue 11). */
  public interface NotificationService {
    CompletionStage<Site> createSite(UUID account, String name, String address, String timeZone);

    CompletionStage<List<Site>> sites(UUID account);

    /** Puts the device in the site (empty: none); false when the site is not the account's. */
    CompletionStage<Boolean> assignSite(String serial, UUID account, Optional<UUID> site);

    /** Fails with {@link Notifications.InvalidDestination} when the URL is refused. */
    CompletionStage<Destination> createDestination(
        UUID account, DestinationType type, String name, String target);

    CompletionStage<List<Destination>> destinations(UUID account);

    CompletionStage<Optional<Destination>> destination(UUID account, UUID id);

    CompletionStage<Notifications.TestOutcome> sendTest(Destination destination, String by);

    /** How many of {@code ids} are destinations of the account. */
    CompletionStage<Integer> countDestinations(UUID account, List<UUID> ids);

    /** How many of {@code ids} are sites of the account. */
    CompletionStage<Integer> countSites(UUID account, List<UUID> ids);

    CompletionStage<Policy> createPolicy(Policy policy);

    /** Deletes a destination of the account (its delivery log goes with it); false when none. */
    CompletionStage<Boolean> deleteDestination(UUID account, UUID id);

    /** Replaces a policy of the account (its id and creation time stay); false when none. */
    CompletionStage<Boolean> updatePolicy(Policy policy);

    /** Deletes a policy of the account; false when none. */
    CompletionStage<Boolean> deletePolicy(UUID account, UUID id);

    CompletionStage<List<Policy>> policies(UUID account);

    CompletionStage<List<NotificationStore.Delivery>> deliveries(
        UUID account, int offset, int limit);

    CompletionStage<List<NotificationStore.Incident>> incidents(
        UUID account, int offset, int limit);
  }

  /** Bearer tokens. */
  public interface TokenService {
    CompletionStage<Optional<IssuedToken>> issueToken(String username, String password);

    /** The grant of a valid, unexpired token; empty otherwise. */
    CompletionStage<Optional<Accounts.TokenGrant>> resolveToken(String token);

    CompletionStage<Boolean> revokeToken(String token);

    /** Revokes every token of a user (sign out everywhere). */
    default CompletionStage<Void> revokeAllTokens(UUID userId) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("revokeAllTokens"));
    }

    /** Changes one's own password; false when {@code current} is wrong. */
    default CompletionStage<Boolean> changePassword(
        UUID userId, String current, String next, String keepToken) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("changePassword"));
    }

    /** Calls {@code listener} for every token revocation of any node; must not block. */
    default void onRevocation(Consumer<Accounts.Revocation> listener) {}
  }

  /** Accounts and users. */
  public interface AccountService {
    CompletionStage<Account> createAccount(String name, String createdBy);

    CompletionStage<Optional<Account>> account(UUID id);

    CompletionStage<List<Account>> accounts(Optional<UUID> only, int offset, int limit);

    CompletionStage<Long> countAccounts(Optional<UUID> only);

    CompletionStage<User> createUser(String username, String password, Role role, UUID accountId);

    CompletionStage<List<User>> users(Optional<UUID> accountId);

    /** The support users. */
    default CompletionStage<List<User>> supportUsers() {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("supportUsers"));
    }

    /** Disables / enables a user or changes its role (null: unchanged); see {@link Accounts}. */
    default CompletionStage<User> updateUser(
        UUID userId, Optional<UUID> account, Boolean disabled, Role role) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("updateUser"));
    }

    /** Sets a user's password, to be changed at next sign-in. */
    default CompletionStage<User> resetPassword(
        UUID userId, Optional<UUID> account, String password) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("resetPassword"));
    }

    /** The account's reseller support (issue 12): consents, invitations, access. */
    ResellerSupport resellers();
  }

  /** The device entities. */
  public interface DeviceService {
    CompletionStage<UpsDevice.Confirmation> register(String serial, String model, String accountId);

    /** The live view; {@code registered() == false} when there is no such device. */
    CompletionStage<DeviceSnapshot> snapshot(String serial);

    CompletionStage<UpsDevice.PlanReply> plan(String serial);

    /** Moves a device to another account: Accepted, or Rejected(NOT_REGISTERED). */
    default CompletionStage<UpsDevice.Confirmation> transfer(
        String serial, String toAccountId, String by) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("transfer"));
    }

    /** Deregisters a device: Accepted, or Rejected(NOT_REGISTERED). */
    default CompletionStage<UpsDevice.Confirmation> deregister(String serial, String by) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("deregister"));
    }

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

    /** The fleet-wide event feed, newest first. */
    default CompletionStage<List<EventFeed.FeedEvent>> feed(EventFeed.Query query) {
      return CompletableFuture.completedFuture(List.of());
    }

    /** Streams a report to the writer {@code opener} opens; completes with the rows written. */
    CompletionStage<Long> report(
        Report report, DeviceReports.Filter filter, Instant now, DeviceReports.WriterOpener opener);
  }

  /** Device secrets. */
  public interface CredentialService {
    /** A new device's secret, shown once; empty when the serial already has one. */
    CompletionStage<Optional<String>> create(String serial, UUID accountId);

    CompletionStage<Void> delete(String serial);

    /**
     * A new secret for the serial, shown once; the previous one keeps working until the device
     * connects with the new one or the grace period ends. Empty when the serial has no credential.
     */
    default CompletionStage<Optional<String>> rotate(String serial) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("rotate"));
    }

    /** The serial's credential now belongs to {@code accountId}. */
    default CompletionStage<Void> moveTo(String serial, UUID accountId) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("moveTo"));
    }
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

    /** Records with the actor's role and address; the short form drops them. */
    default void record(AuditLog.Record r) {
      record(r.actor(), r.accountId(), r.action(), r.target(), r.outcome(), r.details());
    }

    /** Records matching the query, newest first. */
    default CompletionStage<List<AuditLog.Entry>> search(AuditLog.Query query) {
      return CompletableFuture.completedFuture(List.of());
    }
  }

  /** What readiness checks besides the MQTT listener and the database write probe. */
  public interface HealthService {
    /** Whether this node is an Up member of the cluster. */
    boolean clusterUp();
  }
}
