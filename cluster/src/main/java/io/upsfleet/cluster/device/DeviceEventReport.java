package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An event a device reported on {@code ups/{serial}/events}, validated by the edge.
 *
 * @param deviceTime the device's timestamp ({@code ts})
 * @param receivedAt when the gateway received it (the authority)
 * @param seq the device's counter; together with type and device time it de-duplicates re-sends
 * @param type a {@link EventType#reportable() reportable} event type
 * @param details bounded free-form details, string values
 * @param clockSkewed whether the device clock was far from the server's
 */
public record DeviceEventReport(
    Instant deviceTime,
    Instant receivedAt,
    long seq,
    EventType type,
    SortedMap<String, String> details,
    boolean clockSkewed)
    implements CborSerializable {

  public DeviceEventReport {
    details = Collections.unmodifiableSortedMap(new TreeMap<>(details));
  }
}
