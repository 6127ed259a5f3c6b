package io.upsfleet.gateway.nut;

import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** {@link NutServices} over the cluster: accounts, the device directory and the entities. */
public final class ClusterNutServices implements NutServices {
  /** How long an operation asked through NUT may wait for its device (as the API's default). */
  static final Duration TTL = Duration.ofHours(1);

  /** How API tokens begin (see {@code Accounts}); a password never starts so in practice. */
  private static final String TOKEN_PREFIX = "uft_";

  private final UpsfleetCluster cluster;

  public ClusterNutServices(UpsfleetCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public CompletionStage<Optional<Principal>> signIn(String username, String password) {
    if (password.startsWith(TOKEN_PREFIX)) {
      // An API token of that user instead of the password (no password stored in a NUT client).
      return cluster
          .accounts()
          .resolveToken(password)
          .thenApply(
              g ->
                  g.filter(x -> !x.mustChangePassword())
                      .map(x -> x.principal())
                      .filter(p -> p.username().equalsIgnoreCase(username)));
    }
    return cluster
        .accounts()
        .checkPassword(username, password)
        .thenApply(m -> m.filter(x -> !x.mustChangePassword()).map(x -> x.principal()));
  }

  @Override
  public void onRevocation(Consumer<Accounts.Revocation> listener) {
    cluster.revocations().subscribe(listener);
  }

  @Override
  public CompletionStage<List<Listed>> devices(Optional<UUID> account, int max) {
    DeviceDirectory.Query all = DeviceDirectory.Query.all();
    DeviceDirectory.Query query =
        new DeviceDirectory.Query(
            account,
            all.status(),
            all.text(),
            all.plan(),
            all.model(),
            all.firmwareOutdated(),
            all.sort());
    return cluster
        .directory()
        .page(query, 0, max)
        .thenApply(
            page -> page.items().stream().map(e -> new Listed(e.serial(), e.model())).toList());
  }

  @Override
  public CompletionStage<DeviceSnapshot> snapshot(String serial) {
    return cluster.devices().snapshot(serial);
  }

  @Override
  public CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial) {
    return cluster.devices().allowedOperations(serial);
  }

  @Override
  public CompletionStage<UpsDevice.OperationReply> requestOperation(
      String serial, Operation operation, String by) {
    return cluster.devices().requestOperation(serial, operation, TTL, by, null);
  }

  @Override
  public void audit(AuditLog.Record record) {
    cluster.audit().record(record);
  }
}
