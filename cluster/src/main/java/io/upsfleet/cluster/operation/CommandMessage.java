package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;
import java.util.SortedMap;

/**
 * What a device receives on {@code ups/{serial}/commands}: it executes an {@code id} at most once
 * and never starts a command after {@code expiresAt}.
 */
public record CommandMessage(
    String id,
    CommandType type,
    SortedMap<String, String> params,
    Instant issuedAt,
    Instant expiresAt)
    implements CborSerializable {

  public static CommandMessage of(DeviceCommand c) {
    return new CommandMessage(c.id(), c.type(), c.params(), c.requestedAt(), c.expiresAt());
  }
}
