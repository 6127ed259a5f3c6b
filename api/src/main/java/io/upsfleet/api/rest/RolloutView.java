package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.Map;

/**
 * A firmware rollout: {@code phase} RUNNING, PAUSED, ABORTED or COMPLETED; per device its step
 * (WAITING, RUNNING, SUCCEEDED, FAILED, SKIPPED), command id and reason; and the counts.
 */
public record RolloutView(
    String id,
    String accountId,
    String phase,
    int concurrency,
    int abortAfterFailures,
    Map<String, Integer> counts,
    Map<String, Device> devices,
    String createdBy,
    Instant createdAt,
    Instant updatedAt) {

  /** One device's progress. */
  public record Device(String step, String commandId, String reason) {}
}
