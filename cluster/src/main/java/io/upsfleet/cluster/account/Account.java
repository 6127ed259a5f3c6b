package io.upsfleet.cluster.account;

import java.time.Instant;
import java.util.UUID;

/** A customer account, which owns devices and users. */
public record Account(UUID id, String name, Instant createdAt) {}
