package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;

/**
 * What a device receives on {@code ups/{serial}/commands}: the typed operation under its id. The
 * device executes an {@code id} at most once and never starts a command after {@code expiresAt}.
 */
public record CommandMessage(String id, Operation operation, Instant issuedAt, Instant expiresAt)
    implements CborSerializable {

  public static CommandMessage of(DeviceCommand c) {
    return new CommandMessage(c.id(), c.operation(), c.requestedAt(), c.expiresAt());
  }

  public CommandType type() {
    return operation.type();
  }
}
