package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One measured round against one target (S1 connect, S2 steady telemetry, and S3 / S4 / S5 when
 * they ran). Null figures were not measured (left out of the JSON).
 *
 * @param target {@code gateway} or {@code mosquitto}
 * @param round 1-based (renumbered when {@code report} combines runs)
 * @param devices devices of the fleet
 * @param connected devices connected at the end of the connect phase
 * @param connectSeconds time until all were connected (or the deadline)
 * @param connAckMs CONNACK latency
 * @param heapPerDeviceKb the target's used heap after a full GC, per connected device
 * @param heapUsedAfterGcMb the target's used heap after a full GC with the fleet connected
 * @param messages telemetry messages sent in the measured window
 * @param messagesPerSecond their rate
 * @param acknowledged of them acknowledged (QoS 1)
 * @param pubAckMs PUBACK latency from the intended send time
 * @param simulatorCpuMicrosPerMessage the simulator's CPU per message
 * @param targetCpuMicrosPerMessage the target's CPU per message
 * @param postgresCpuMicrosPerMessage all PostgreSQL processes' CPU per message
 * @param simulatorCpuShare cores the simulator used
 * @param targetCpuShare cores the target (gateway or broker) used over the measured window, or null
 *     (not measured: no pid, or a node was killed)
 * @param postgresCpuShare cores PostgreSQL used over the measured window, or null
 * @param disconnects connections lost
 * @param refusals CONNECTs refused
 * @param behindSchedule sends the simulator made later than their interval
 * @param connectTimeline devices online every half second of the connect phase
 * @param timeline the measured window second by second
 * @param outageWave S3, or null
 * @param commandRoundTripMs S4, or null
 * @param failover S5, or null
 * @param source the report file a combined run came from, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(
    String target,
    int round,
    int devices,
    long connected,
    double connectSeconds,
    Percentiles connAckMs,
    Double heapPerDeviceKb,
    Double heapUsedAfterGcMb,
    long messages,
    double messagesPerSecond,
    long acknowledged,
    Percentiles pubAckMs,
    Double simulatorCpuMicrosPerMessage,
    Double targetCpuMicrosPerMessage,
    Double postgresCpuMicrosPerMessage,
    Double simulatorCpuShare,
    Double targetCpuShare,
    Double postgresCpuShare,
    long disconnects,
    long refusals,
    long behindSchedule,
    List<ConnectPoint> connectTimeline,
    List<Second> timeline,
    OutageWave outageWave,
    CommandRoundTrip commandRoundTripMs,
    Failover failover,
    String source) {

  /** Devices online at a moment of the connect phase. */
  public record ConnectPoint(double second, long online) {}

  /** One second of the measured window: sent, acknowledged, PUBACK p50 / p99 (null: none). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Second(int second, long sent, long acked, Double p50, Double p99, long online) {}

  /**
   * S3: a share of the fleet lost mains at once.
   *
   * @param devices devices hit
   * @param seenOnBattery of them listed on battery by the API before the deadline
   * @param allCommittedSeconds time until every one was listed, or null
   * @param pubAckMsDuringWave everyone's PUBACK latency meanwhile
   * @param notifications S3 with notifications on, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutageWave(
      int devices,
      int seenOnBattery,
      Double allCommittedSeconds,
      Percentiles pubAckMsDuringWave,
      NotifyResult notifications) {}

  /** S4: command round trips through the API, their latency and failures. */
  public record CommandRoundTrip(
      long count, double p50, double p99, double p999, double max, long failed, double perSecond) {}

  /**
   * S5: a node killed with SIGKILL.
   *
   * @param lowestOnlineAfterKill the fewest devices online afterwards, or null
   * @param allServedAgainSeconds time from the kill until every device was online again, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Failover(
      long killedPid,
      long killedAtSecond,
      Integer lowestOnlineAfterKill,
      Double allServedAgainSeconds) {}

  /** The same run as round {@code n} of a combined report, from {@code file}. */
  public RunResult combined(int n, String file) {
    return new RunResult(
        target,
        n,
        devices,
        connected,
        connectSeconds,
        connAckMs,
        heapPerDeviceKb,
        heapUsedAfterGcMb,
        messages,
        messagesPerSecond,
        acknowledged,
        pubAckMs,
        simulatorCpuMicrosPerMessage,
        targetCpuMicrosPerMessage,
        postgresCpuMicrosPerMessage,
        simulatorCpuShare,
        targetCpuShare,
        postgresCpuShare,
        disconnects,
        refusals,
        behindSchedule,
        connectTimeline,
        timeline,
        outageWave,
        commandRoundTripMs,
        failover,
        file);
  }
}
