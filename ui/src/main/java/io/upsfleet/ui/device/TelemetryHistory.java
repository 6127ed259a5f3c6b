package io.upsfleet.ui.device;

import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.TelemetryHistoryView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The samples of one open device page's chart: the gateway's downsampled history of the last 24
 * hours (loaded once when the page opens, see {@link #addHistory}) followed by the live samples
 * observed since. At most {@link #MAX_SAMPLES} samples and none older than 24 hours; a live sample
 * is kept only when the device sent a new one (same {@code receivedAt} = same sample). Not
 * thread-safe: one per view, used on the UI thread.
 */
public final class TelemetryHistory {
  public static final int MAX_SAMPLES = 2880;
  public static final Duration WINDOW = Duration.ofHours(24);

  /**
   * One point: load and charge in %, temperature in °C; a value the device did not send is null.
   */
  public record Sample(Instant at, Double load, Double charge, Double temperature) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  /** Records the telemetry of a live view when it is new; returns whether it was. */
  public boolean observe(DeviceView.Telemetry t) {
    if (t == null || t.receivedAt() == null || t.values() == null) return false;
    Sample last = samples.peekLast();
    if (last != null && !t.receivedAt().isAfter(last.at())) return false;
    samples.addLast(
        new Sample(
            t.receivedAt(),
            number(t.values().get("ups.load")),
            number(t.values().get("battery.charge")),
            number(t.values().get("ups.temperature"))));
    while (samples.size() > MAX_SAMPLES) samples.removeFirst();
    Instant oldest = t.receivedAt().minus(WINDOW);
    while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) samples.removeFirst();
    return true;
  }

  /**
   * Puts the gateway's history before the live samples: only points older than the first live
   * sample are taken (a live sample is more precise than the point of its minute), oldest first.
   */
  public void addHistory(List<TelemetryHistoryView.Point> points) {
    if (points == null || points.isEmpty()) return;
    Sample firstLive = samples.peekFirst();
    List<Sample> older = new ArrayList<>();
    for (TelemetryHistoryView.Point p : points) {
      if (p.at() == null || (firstLive != null && !p.at().isBefore(firstLive.at()))) continue;
      older.add(new Sample(p.at(), p.load(), p.charge(), p.batteryTemperature()));
    }
    older.sort(Comparator.comparing(Sample::at));
    for (int i = older.size() - 1; i >= 0; i--) samples.addFirst(older.get(i));
    while (samples.size() > MAX_SAMPLES) samples.removeFirst();
    Sample last = samples.peekLast();
    if (last != null) {
      Instant oldest = last.at().minus(WINDOW);
      while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) samples.removeFirst();
    }
  }

  public List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  public int size() {
    return samples.size();
  }

  private static Double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : null;
  }
}
