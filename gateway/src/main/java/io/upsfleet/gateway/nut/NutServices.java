package io.upsfleet.gateway.nut;

import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.Operation;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the NUT facade asks of the rest of the node. {@link ClusterNutServices} implements it over
 * the cluster. Methods must not block; their stages may complete on any thread.
 */
public interface NutServices {

  /**
   * The user whose name and password these are (enabled, not obliged to change the password); empty
   * otherwise. Fails when the node is too busy hashing.
   */
  CompletionStage<Optional<Principal>> signIn(String username, String password);

  /** Serials and models of the account's devices (every account's when empty), by serial. */
  CompletionStage<List<Listed>> devices(Optional<UUID> account, int max);

  /** The live view of a device, from its entity's memory (no journal write). */
  CompletionStage<DeviceSnapshot> snapshot(String serial);

  /** Which operations the device may be asked now. */
  CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial);

  /** Asks the device's entity for an operation, as the API does. */
  CompletionStage<UpsDevice.OperationReply> requestOperation(
      String serial, Operation operation, String by);

  /**
   * Calls {@code listener} for every token revocation made on any node (a user disabled, signed out
   * everywhere or given a new password; one token signed out). Quick, must not block.
   */
  void onRevocation(Consumer<Accounts.Revocation> listener);

  /** Records an audit record (asynchronously; never fails the caller). */
  void audit(AuditLog.Record record);

  /** A device as {@code LIST UPS} names it. */
  record Listed(String serial, String model) {}
}
