package io.upsfleet.ui.overview;

import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.client.UpsfleetApi;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the overview: the counts come from one aggregate call ({@code GET
 * /api/v1/devices/summary}), and a few rows of each attention status from list calls, merged worst
 * first without duplicates. At most 7 API calls whatever the fleet size. Stateless and thread-safe.
 */
public final class FleetOverview {
  /** Statuses that need someone to look, worst first; the order of the attention list. */
  public static final List<String> ATTENTION_ORDER =
      List.of(
          "CONNECTION_LOST",
          "LOW_BATTERY",
          "OVERLOAD",
          "TEMPERATURE_HIGH",
          "ON_BATTERY",
          "REPLACE_BATTERY");

  static final int ROWS_PER_STATUS = 10;
  static final int MAX_ATTENTION = 25;

  /**
   * What the overview shows.
   *
   * @param total every device the user can see
   * @param byHealth count per health word, in order of urgency (each device counts once)
   * @param byPlan count per plan, lowest first
   * @param firmwareOutdated devices offered newer firmware they have not installed
   * @param attention devices with an attention status, worst first, at most {@value #MAX_ATTENTION}
   */
  public record Snapshot(
      long total,
      Map<String, Long> byHealth,
      Map<String, Long> byPlan,
      long firmwareOutdated,
      List<Attention> attention) {}

  /**
   * A device that needs attention and its worst problem (the first attention status it was found
   * under).
   */
  public record Attention(DeviceSummary device, String problem) {}

  private FleetOverview() {}

  /** Loads the overview of {@code accountId} (null: every account the user can see). Blocking. */
  public static Snapshot load(UpsfleetApi client, String accountId) {
    DeviceCounts counts = client.deviceCounts(accountId);
    Map<String, Attention> attention = new LinkedHashMap<>();
    for (String s : ATTENTION_ORDER) {
      if (attention.size() >= MAX_ATTENTION) break;
      PageView<DeviceSummary> page =
          client.devices(new DeviceQuery(s, null, accountId, 0, ROWS_PER_STATUS));
      for (DeviceSummary d : page.items()) {
        if (attention.size() < MAX_ATTENTION)
          attention.putIfAbsent(d.serial(), new Attention(d, s));
      }
    }
    return new Snapshot(
        counts.total(),
        orEmpty(counts.byHealth()),
        orEmpty(counts.byPlan()),
        counts.firmwareOutdated(),
        new ArrayList<>(attention.values()));
  }

  private static Map<String, Long> orEmpty(Map<String, Long> m) {
    return m == null ? Map.of() : new LinkedHashMap<>(m);
  }
}
