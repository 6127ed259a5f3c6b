package io.upsfleet.load.notify;

import io.upsfleet.load.result.NotifyResult;
import io.upsfleet.load.result.Percentiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * From what the simulator published and what the receiver got to {@link NotifyResult}. A device
 * <em>d</em> of site <em>S</em> that published its on-battery sample at <em>P</em> is
 * <em>covered</em> by the first post arriving at or after <em>P</em> (valid signature, first time
 * its key was seen) that carries a message about <em>d</em> itself ({@code EVENT}, {@code BLIP},
 * {@code FLAPPING} with its serial) or an incident message ({@code INCIDENT_OPENED}, {@code
 * INCIDENT_UPDATED}) of <em>S</em>: the message that tells the site's people that <em>d</em>'s
 * power is out. It is <em>named</em> by the first such post whose message has its serial, in the
 * device field or in an opened or updated incident's list.
 */
public final class NotifyAccounting {
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(30);
  private static final long MINUTE = TimeUnit.SECONDS.toNanos(60);
  private static final Set<String> DEVICE_KINDS = Set.of("EVENT", "BLIP", "FLAPPING");
  private static final Set<String> INCIDENT_NEWS = Set.of("INCIDENT_OPENED", "INCIDENT_UPDATED");

  private NotifyAccounting() {}

  /**
   * @param published serial -> when it published its on-battery sample ({@link System#nanoTime()})
   * @param siteOf serial -> its site's name (absent: no site)
   * @param arrivals what the receiver got, in any order
   */
  public static NotifyResult account(
      Map<String, Long> published,
      Map<String, String> siteOf,
      List<WebhookReceiver.Arrival> arrivals) {
    List<WebhookReceiver.Arrival> sorted = new ArrayList<>(arrivals);
    sorted.sort(Comparator.comparingLong(WebhookReceiver.Arrival::nanos));
    Set<String> keys = new HashSet<>();
    List<WebhookReceiver.Arrival> firsts = new ArrayList<>();
    int duplicates = 0;
    int signatureFailures = 0;
    for (WebhookReceiver.Arrival a : sorted) {
      if (!a.signatureValid()) {
        signatureFailures++;
      } else if (a.key() != null && !keys.add(a.key())) {
        duplicates++;
      } else {
        firsts.add(a);
      }
    }
    Histogram covered = new Histogram(MAX_NANOS, 3);
    Histogram named = new Histogram(MAX_NANOS, 3);
    List<String> neverCovered = new ArrayList<>();
    int neverNamed = 0;
    for (Map.Entry<String, Long> d : new TreeMap<>(published).entrySet()) {
      String serial = d.getKey();
      String site = siteOf.get(serial);
      long coveredAt = -1;
      long namedAt = -1;
      for (WebhookReceiver.Arrival a : firsts) {
        if (a.nanos() < d.getValue()) continue;
        for (WebhookReceiver.Notice n : a.notices()) {
          boolean own = DEVICE_KINDS.contains(n.kind()) && serial.equals(n.serial());
          boolean news = INCIDENT_NEWS.contains(n.kind());
          if (coveredAt < 0 && (own || news && site != null && site.equals(n.site())))
            coveredAt = a.nanos();
          if (namedAt < 0 && (own || news && n.serials().contains(serial))) namedAt = a.nanos();
        }
        if (coveredAt >= 0 && namedAt >= 0) break;
      }
      if (coveredAt >= 0) {
        covered.recordValue(Math.min(MAX_NANOS, coveredAt - d.getValue()));
      } else {
        neverCovered.add(serial);
      }
      if (namedAt >= 0) {
        named.recordValue(Math.min(MAX_NANOS, namedAt - d.getValue()));
      } else {
        neverNamed++;
      }
    }
    Map<String, Integer> byKind = new TreeMap<>();
    Map<String, Map<String, Integer>> perSite = new TreeMap<>();
    Map<String, List<Long>> siteTimes = new TreeMap<>();
    Map<String, List<Long>> incidentTimes = new TreeMap<>();
    int messages = 0;
    for (WebhookReceiver.Arrival a : firsts) {
      for (WebhookReceiver.Notice n : a.notices()) {
        messages++;
        String kind = String.valueOf(n.kind());
        byKind.merge(kind, 1, Integer::sum);
        if (n.site() == null) continue;
        perSite.computeIfAbsent(n.site(), s -> new TreeMap<>()).merge(kind, 1, Integer::sum);
        siteTimes.computeIfAbsent(n.site(), s -> new ArrayList<>()).add(a.nanos());
        if (kind.startsWith("INCIDENT_"))
          incidentTimes.computeIfAbsent(n.site(), s -> new ArrayList<>()).add(a.nanos());
      }
    }
    Set<String> waveSites = new HashSet<>();
    for (String serial : published.keySet()) {
      String site = siteOf.get(serial);
      if (site != null) waveSites.add(site);
    }
    int maxPerSite = 0;
    for (List<Long> t : siteTimes.values()) maxPerSite = Math.max(maxPerSite, t.size());
    return new NotifyResult(
        published.size(),
        Percentiles.of(covered),
        neverCovered.size(),
        Percentiles.of(named),
        neverNamed,
        firsts.size(),
        messages,
        byKind,
        waveSites.size(),
        perSite,
        maxPerSite,
        maxWithinMinute(siteTimes),
        maxWithinMinute(incidentTimes),
        duplicates,
        signatureFailures,
        List.copyOf(neverCovered.subList(0, Math.min(20, neverCovered.size()))));
  }

  /** The most times of one list that fall within any 60 s (sliding window). */
  static int maxWithinMinute(Map<String, List<Long>> timesByKey) {
    int max = 0;
    for (List<Long> times : timesByKey.values()) {
      List<Long> t = new ArrayList<>(times);
      t.sort(Long::compare);
      int start = 0;
      for (int end = 0; end < t.size(); end++) {
        while (t.get(end) - t.get(start) >= MINUTE) start++;
        max = Math.max(max, end - start + 1);
      }
    }
    return max;
  }
}
