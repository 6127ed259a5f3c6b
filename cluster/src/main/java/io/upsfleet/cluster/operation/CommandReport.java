package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;

/**
 * What a device reports about a command on {@code ups/{serial}/commands/result}, validated by the
 * edge.
 *
 * @param id the command id
 * @param status how far it got
 * @param phase progress phase, e.g. {@code downloading}, {@code installing}, {@code rebooting}; or
 *     null
 * @param percent progress percent 0..100, or -1
 * @param reason why it failed or was rejected, or null
 * @param result an operation's result, e.g. a self-test's {@code passed}/{@code failed}; or null
 */
public record CommandReport(
    String id,
    Status status,
    String phase,
    int percent,
    String reason,
    String result,
    Instant deviceTime,
    Instant receivedAt)
    implements CborSerializable {

  /** The device's word on a command. */
  public enum Status {
    ACCEPTED,
    IN_PROGRESS,
    SUCCEEDED,
    FAILED,
    REJECTED
  }

  /** Progress as one short text, e.g. {@code downloading 40%}. */
  public String progressText() {
    if (phase == null) return null;
    return percent >= 0 ? phase + " " + percent + "%" : phase;
  }
}
