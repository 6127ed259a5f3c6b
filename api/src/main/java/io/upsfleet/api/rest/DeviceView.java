package io.upsfleet.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The live view of one device, from its entity. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeviceView(
    String serial,
    String model,
    String accountId,
    Instant registeredAt,
    Connection connection,
    List<String> status,
    String health,
    String firmware,
    Telemetry telemetry,
    PlanView plan,
    Sensitivity sensitivity,
    String firmwareAvailable) {

  /** Input sensitivity: what was last asked for and what the device reports. */
  public record Sensitivity(String desired, String reported) {}

  /**
   * @param online whether a session is open
   * @param since start of the open session, or of the latest one
   * @param disconnectedAt end of the latest session while offline
   * @param remoteAddress where the latest session came from
   * @param lastSeen when anything was last received
   * @param connectionLost offline past the grace period
   */
  public record Connection(
      boolean online,
      Instant since,
      Instant disconnectedAt,
      String remoteAddress,
      Instant lastSeen,
      boolean connectionLost) {}

  /**
   * The latest sample: values by NUT name ({@code ups.status}, {@code battery.charge}…).
   *
   * @param receivedAt server time (the authority)
   * @param deviceTime the device's own time
   * @param clockSkewed the device clock is far from the server's
   */
  public record Telemetry(
      Instant receivedAt,
      Instant deviceTime,
      long seq,
      boolean clockSkewed,
      Map<String, Object> values) {}
}
