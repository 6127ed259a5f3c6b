package io.upsfleet.api.rest;

import java.util.List;

/**
 * What a bulk registration did: the registered devices with their secrets (shown once), and the
 * refusals.
 */
public record BulkRegistrationResult(List<DeviceRegistration> registered, List<Failure> failed) {

  /** A device that was not registered, and why (e.g. already registered). */
  public record Failure(String serial, String reason) {}
}
