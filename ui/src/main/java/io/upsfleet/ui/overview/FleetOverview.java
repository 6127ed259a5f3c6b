package io.upsfleet.ui.overview;

import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.gateway.DeviceQuery;
import io.upsfleet.ui.gateway.GatewayClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the overview from list calls only: one per status (the page's {@code total} is the count) and a
 * few rows of each attention status, merged worst first without duplicates. At most 9 API calls whatever
 * the fleet size. Stateless and thread-safe.
 */
public final class FleetOverview {
  /** Statuses that need someone to look, worst first; the order of the attention list. */
  public static final List<String> ATTENTION_ORDER = List.of(
      "CONNECTION_LOST", "LOW_BATTERY", "OVERLOAD", "TEMPERATURE_HIGH", "ON_BATTERY", "REPLACE_BATTERY");
  /** The other counted statuses. */
  public static final List<String> PLAIN_STATUSES = List.of("ONLINE", "OFFLINE");
  static final int ROWS_PER_STATUS = 10;
  static final int MAX_ATTENTION = 25;

  /**
   * What the overview shows.
   *
   * @param total every device the user can see
   * @param byStatus count per status filter of the API (a device may count under several)
   * @param attention devices with an attention status, worst first, at most {@value #MAX_ATTENTION}
   */
  public record Snapshot(long total, Map<String, Long> byStatus, List<Attention> attention) {}

  /** A device that needs attention and its worst problem (the first attention status it was found under). */
  public record Attention(DeviceSummary device, String problem) {}

  private FleetOverview() {}

  /** Loads the overview of {@code accountId} (null: every account the user can see). Blocking. */
  public static Snapshot load(GatewayClient client, String accountId) {
    long total = client.devices(new DeviceQuery(null, null, accountId, 0, 1)).total();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String s : PLAIN_STATUSES) {
      counts.put(s, client.devices(new DeviceQuery(s, null, accountId, 0, 1)).total());
    }
    Map<String, Attention> attention = new LinkedHashMap<>();
    for (String s : ATTENTION_ORDER) {
      PageView<DeviceSummary> page = client.devices(new DeviceQuery(s, null, accountId, 0, ROWS_PER_STATUS));
      counts.put(s, page.total());
      for (DeviceSummary d : page.items()) {
        if (attention.size() < MAX_ATTENTION) attention.putIfAbsent(d.serial(), new Attention(d, s));
      }
    }
    return new Snapshot(total, counts, new ArrayList<>(attention.values()));
  }
}
