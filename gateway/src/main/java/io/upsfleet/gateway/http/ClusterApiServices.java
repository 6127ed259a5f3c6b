package io.upsfleet.gateway.http;

import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.account.Account;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.IssuedToken;
import io.upsfleet.cluster.account.RevocationBus;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.command.FirmwareRollout;
import io.upsfleet.cluster.command.FirmwareRollouts;
import io.upsfleet.cluster.device.DeviceCredentials;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.EventFeed;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.device.UpsDevices;
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
import io.upsfleet.cluster.site.Sites;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** {@link ApiServices} over the cluster's façades: each method delegates, nothing more. */
public final class ClusterApiServices {
  private ClusterApiServices() {}

  public static ApiServices over(UpsfleetCluster cluster) {
    return new ApiServices(
        new TokensAdapter(cluster.accounts(), cluster.revocations()),
        new AccountsAdapter(cluster.accounts(), cluster.resellers()),
        new DevicesAdapter(cluster.devices()),
        new DirectoryAdapter(
            cluster.directory(), new EventFeed(cluster.jdbc()), new DeviceReports(cluster.jdbc())),
        new CredentialsAdapter(
            cluster.credentials(),
            cluster
                .system()
                .settings()
                .config()
                .getDuration("upsfleet.devices.secret-rotation-grace")),
        cluster.telemetryHistory()::read,
        new LicensingAdapter(cluster.licensing()),
        new RolloutsAdapter(cluster.rollouts()),
        new AuditAdapter(cluster.audit()),
        new HealthAdapter(cluster),
        new NotificationsAdapter(cluster));
  }

  private record AccountsAdapter(Accounts accounts, ResellerSupport resellers)
      implements ApiServices.AccountService {
    @Override
    public CompletionStage<Account> createAccount(String name, String createdBy) {
      return accounts.createAccount(name, createdBy);
    }

    @Override
    public CompletionStage<Optional<Account>> account(UUID id) {
      return accounts.account(id);
    }

    @Override
    public CompletionStage<List<Account>> accounts(Optional<UUID> only, int offset, int limit) {
      return accounts.accounts(only, offset, limit);
    }

    @Override
    public CompletionStage<Long> countAccounts(Optional<UUID> only) {
      return accounts.countAccounts(only);
    }

    @Override
    public CompletionStage<User> createUser(
        String username, String password, Role role, UUID accountId) {
      return accounts.createUser(username, password, role, accountId);
    }

    @Override
    public CompletionStage<List<User>> users(Optional<UUID> accountId) {
      return accounts.users(accountId);
    }

    @Override
    public CompletionStage<List<User>> supportUsers() {
      return accounts.supportUsers();
    }

    @Override
    public CompletionStage<User> updateUser(
        UUID userId, Optional<UUID> account, Boolean disabled, Role role) {
      return accounts.updateUser(userId, account, disabled, role);
    }

    @Override
    public CompletionStage<User> resetPassword(
        UUID userId, Optional<UUID> account, String password) {
      return accounts.resetPassword(userId, account, password);
    }
  }

  private record AuditAdapter(AuditLog audit) implements ApiServices.AuditService {
    @Override
    public void record(
        String actor,
        UUID accountId,
        String action,
        String target,
        String outcome,
        String details) {
      audit.record(actor, accountId, action, target, outcome, details);
    }

    @Override
    public void record(AuditLog.Record r) {
      audit.record(r);
    }

    @Override
    public CompletionStage<List<AuditLog.Entry>> search(AuditLog.Query query) {
      return audit.search(query);
    }
  }

  private record TokensAdapter(Accounts accounts, RevocationBus revocations)
      implements ApiServices.TokenService {
    @Override
    public CompletionStage<Void> revokeAllTokens(UUID userId) {
      return accounts.revokeAllTokens(userId);
    }

    @Override
    public CompletionStage<Boolean> changePassword(
        UUID userId, String current, String next, String keepToken) {
      return accounts.changePassword(userId, current, next, keepToken);
    }

    @Override
    public void onRevocation(Consumer<Accounts.Revocation> listener) {
      revocations.subscribe(listener);
    }

    @Override
    public CompletionStage<Optional<IssuedToken>> issueToken(String username, String password) {
      return accounts.issueToken(username, password);
    }

    @Override
    public CompletionStage<Optional<Accounts.TokenGrant>> resolveToken(String token) {
      return accounts.resolveToken(token);
    }

    @Override
    public CompletionStage<Boolean> revokeToken(String token) {
      return accounts.revokeToken(token);
    }
  }

  private record DevicesAdapter(UpsDevices devices) implements ApiServices.DeviceService {
    @Override
    public CompletionStage<UpsDevice.Confirmation> register(
        String serial, String model, String accountId) {
      return devices.register(serial, model, accountId);
    }

    @Override
    public CompletionStage<DeviceSnapshot> snapshot(String serial) {
      return devices.snapshot(serial);
    }

    @Override
    public CompletionStage<UpsDevice.PlanReply> plan(String serial) {
      return devices.plan(serial);
    }

    @Override
    public CompletionStage<UpsDevice.Confirmation> transfer(
        String serial, String toAccountId, String by) {
      return devices.transfer(serial, toAccountId, by);
    }

    @Override
    public CompletionStage<UpsDevice.Confirmation> deregister(String serial, String by) {
      return devices.deregister(serial, by);
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> requestOperation(
        String serial, Operation operation, Duration ttl, String by, String idempotencyKey) {
      return devices.requestOperation(serial, operation, ttl, by, idempotencyKey);
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> cancelOperation(
        String serial, String commandId, String by) {
      return devices.cancelOperation(serial, commandId, by);
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> operations(
        String serial, int offset, int limit) {
      return devices.operations(serial, offset, limit);
    }

    @Override
    public CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial) {
      return devices.allowedOperations(serial);
    }
  }

  private record DirectoryAdapter(DeviceDirectory directory, EventFeed feed, DeviceReports reports)
      implements ApiServices.DirectoryService {
    @Override
    public CompletionStage<List<EventFeed.FeedEvent>> feed(EventFeed.Query query) {
      return feed.read(query);
    }

    @Override
    public CompletionStage<DeviceDirectory.Page<DeviceDirectory.Entry>> page(
        DeviceDirectory.Query query, int page, int size) {
      return directory.page(query, page, size);
    }

    @Override
    public CompletionStage<DeviceDirectory.Counts> counts(Optional<UUID> account) {
      return directory.counts(account);
    }

    @Override
    public CompletionStage<DeviceDirectory.Page<DeviceDirectory.LoggedEvent>> events(
        String serial, Instant from, Instant to, int page, int size) {
      return directory.events(serial, from, to, page, size);
    }

    @Override
    public CompletionStage<Long> report(
        Report report,
        DeviceReports.Filter filter,
        Instant now,
        DeviceReports.WriterOpener opener) {
      return reports.write(report, filter, now, opener);
    }
  }

  private record CredentialsAdapter(DeviceCredentials credentials, Duration grace)
      implements ApiServices.CredentialService {
    @Override
    public CompletionStage<Optional<String>> rotate(String serial) {
      return credentials.rotate(serial, grace);
    }

    @Override
    public CompletionStage<Void> moveTo(String serial, UUID accountId) {
      return credentials.moveTo(serial, accountId);
    }

    @Override
    public CompletionStage<Optional<String>> create(String serial, UUID accountId) {
      return credentials.create(serial, accountId);
    }

    @Override
    public CompletionStage<Void> delete(String serial) {
      return credentials.delete(serial);
    }
  }

  private record LicensingAdapter(Licensing licensing) implements ApiServices.LicenseService {
    @Override
    public CompletionStage<LicenseOrder.OrderView> createOrder(
        String poNumber,
        List<Licensing.LineRequest> lines,
        String channel,
        String installerEmail,
        String by) {
      return licensing.createOrder(poNumber, lines, channel, installerEmail, by);
    }

    @Override
    public CompletionStage<LicenseOrder.OrderView> resend(UUID orderId, String by) {
      return licensing.resend(orderId, by);
    }

    @Override
    public CompletionStage<LicenseOrder.OrderView> get(UUID orderId) {
      return licensing.get(orderId);
    }

    @Override
    public CompletionStage<LicenseOrder.OrderView> redeem(String typed, UUID accountId, String by) {
      return licensing.redeem(typed, accountId, by);
    }

    @Override
    public CompletionStage<List<Licensing.DeviceOutcome>> assign(
        String typedCode,
        UUID accountId,
        List<String> serials,
        List<String> skus,
        boolean preview,
        String by,
        String idempotencyKey) {
      return licensing.assign(typedCode, accountId, serials, skus, preview, by, idempotencyKey);
    }

    @Override
    public CompletionStage<List<Licensing.OrderSummary>> orders(
        Optional<UUID> account, int page, int size) {
      return licensing.orders(account, page, size);
    }

    @Override
    public CompletionStage<List<Licensing.LineSummary>> entitlements(UUID account) {
      return licensing.entitlements(account);
    }
  }

  private record RolloutsAdapter(FirmwareRollouts rollouts) implements ApiServices.RolloutService {
    @Override
    public CompletionStage<FirmwareRollout.Reply> start(
        String accountId,
        List<String> serials,
        int concurrency,
        int abortAfterFailures,
        String by) {
      return rollouts.start(accountId, serials, concurrency, abortAfterFailures, by);
    }

    @Override
    public CompletionStage<FirmwareRollout.Reply> get(String id) {
      return rollouts.get(id);
    }

    @Override
    public CompletionStage<FirmwareRollout.Reply> pause(String id, String by) {
      return rollouts.pause(id, by);
    }

    @Override
    public CompletionStage<FirmwareRollout.Reply> resume(String id, String by) {
      return rollouts.resume(id, by);
    }

    @Override
    public CompletionStage<FirmwareRollout.Reply> abort(String id, String by) {
      return rollouts.abort(id, by);
    }
  }

  private record HealthAdapter(UpsfleetCluster cluster) implements ApiServices.HealthService {
    @Override
    public boolean clusterUp() {
      return cluster.isUp();
    }
  }

  private record NotificationsAdapter(Sites sites, Notifications notifications)
      implements ApiServices.NotificationService {
    NotificationsAdapter(UpsfleetCluster cluster) {
      this(cluster.sites(), cluster.notifications());
    }

    @Override
    public CompletionStage<Site> createSite(
        UUID account, String name, String address, String timeZone) {
      return sites.create(account, name, address, timeZone);
    }

    @Override
    public CompletionStage<List<Site>> sites(UUID account) {
      return sites.list(account);
    }

    @Override
    public CompletionStage<Boolean> assignSite(String serial, UUID account, Optional<UUID> site) {
      return sites.assign(serial, account, site);
    }

    @Override
    public CompletionStage<Destination> createDestination(
        UUID account, DestinationType type, String name, String target) {
      return notifications.createDestination(account, type, name, target);
    }

    @Override
    public CompletionStage<List<Destination>> destinations(UUID account) {
      return notifications.store().destinations(account);
    }

    @Override
    public CompletionStage<Optional<Destination>> destination(UUID account, UUID id) {
      return notifications.store().destination(account, id);
    }

    @Override
    public CompletionStage<Notifications.TestOutcome> sendTest(Destination destination, String by) {
      return notifications.sendTest(destination, by);
    }

    @Override
    public CompletionStage<Integer> countDestinations(UUID account, List<UUID> ids) {
      return notifications.store().countDestinations(account, ids);
    }

    @Override
    public CompletionStage<Integer> countSites(UUID account, List<UUID> ids) {
      return notifications.store().countSites(account, ids);
    }

    @Override
    public CompletionStage<Policy> createPolicy(Policy policy) {
      return notifications.store().createPolicy(policy);
    }

    @Override
    public CompletionStage<Boolean> deleteDestination(UUID account, UUID id) {
      return notifications.store().delete("notification_destinations", account, id);
    }

    @Override
    public CompletionStage<Boolean> updatePolicy(Policy policy) {
      return notifications.store().updatePolicy(policy);
    }

    @Override
    public CompletionStage<Boolean> deletePolicy(UUID account, UUID id) {
      return notifications.store().delete("notification_policies", account, id);
    }

    @Override
    public CompletionStage<List<Policy>> policies(UUID account) {
      return notifications.store().policies(account);
    }

    @Override
    public CompletionStage<List<NotificationStore.Delivery>> deliveries(
        UUID account, int offset, int limit) {
      return notifications.store().deliveries(account, offset, limit);
    }

    @Override
    public CompletionStage<List<NotificationStore.Incident>> incidents(
        UUID account, int offset, int limit) {
      return notifications.store().incidents(account, offset, limit);
    }
  }
}
