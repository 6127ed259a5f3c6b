package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;

/**
 * Where a telemetry sample stands in its device's history, to tell a newer sample from an older one
 * arriving late (a QoS 1 re-send after a reconnect, a delayed packet). The rule, also in the
 * README's protocol section:
 *
 * <ol>
 *   <li>A device that sends {@code boot} (a counter it increases at every start) is ordered by
 *       {@code (boot, seq)}: a sample is newer when its boot is higher, or its boot is the same and
 *       its {@code seq} higher.
 *   <li>Without {@code boot}, within one MQTT session a newer sample has a higher {@code seq}. In a
 *       later session a lower or equal {@code seq} means the UPS restarted its counter (it
 *       rebooted) only when the sample is not a re-send (MQTT DUP flag clear) and its device time
 *       is later than the newest sample's; otherwise it is an old sample sent again.
 * </ol>
 *
 * An older sample changes nothing and raises nothing; it is still acknowledged.
 *
 * @param epoch the gateway session the sample came in
 * @param boot the device's boot counter, or -1 when it does not send one
 * @param seq the device's sample counter
 * @param deviceTime the device's own time of the sample
 * @param clockSkewed whether that device time was far from the server's
 */
public record SampleOrder(long epoch, long boot, long seq, Instant deviceTime, boolean clockSkewed)
    implements CborSerializable {

  /** The order of a sample received in session {@code epoch}. */
  public static SampleOrder of(long epoch, Telemetry t) {
    return new SampleOrder(epoch, t.boot(), t.seq(), t.deviceTime(), t.clockSkewed());
  }

  /**
   * Whether a sample in this order, sent again or not ({@code dup}), is newer than {@code newest}.
   */
  public boolean isNewerThan(SampleOrder newest, boolean dup) {
    if (newest == null) return true;
    if (boot >= 0 && newest.boot >= 0) {
      return boot != newest.boot ? boot > newest.boot : seq > newest.seq;
    }
    if (seq > newest.seq) return true;
    if (epoch <= newest.epoch || dup) return false;
    // A lower seq in a later session: a restarted counter if the device's clock moved on.
    return !clockSkewed
        && !newest.clockSkewed
        && deviceTime != null
        && newest.deviceTime != null
        && deviceTime.isAfter(newest.deviceTime);
  }
}
