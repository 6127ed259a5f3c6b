package io.upsfleet.load.mqtt;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run measured, shared by every connection (thread-safe, lock-free recording): CONNACK
 * latency, PUBACK latency per kind of message (from the intended send time: no coordinated
 * omission), and counts.
 */
public final class Stats {
  public static final int TELEMETRY = 0;
  public static final int EVENT = 1;
  public static final int RESULT = 2;
  private static final String[] KINDS = {"telemetry", "event", "result"};
  public static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final Recorder connAck = new Recorder(MAX_NANOS, 3);
  private final Recorder[] pubAck = {
    new Recorder(MAX_NANOS, 3), new Recorder(MAX_NANOS, 3), new Recorder(MAX_NANOS, 3)
  };
  private final AtomicLongArray published = new AtomicLongArray(3);
  private final AtomicLongArray acknowledged = new AtomicLongArray(3);
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong badCommands = new AtomicLong();
  private final AtomicLong behind = new AtomicLong();
  private final AtomicLong online = new AtomicLong();
  private final Map<String, Long> onBatteryPublished = new ConcurrentHashMap<>();

  void connected(long nanos) {
    connects.incrementAndGet();
    online.incrementAndGet();
    connAck.recordValue(Math.min(nanos, MAX_NANOS));
  }

  void disconnected() {
    disconnects.incrementAndGet();
    online.decrementAndGet();
  }

  void connectFailed() {
    connectFailures.incrementAndGet();
  }

  void connectRefused() {
    refusals.incrementAndGet();
  }

  void published(int kind) {
    published.incrementAndGet(kind);
  }

  void acknowledged(int kind, long nanos) {
    acknowledged.incrementAndGet(kind);
    pubAck[kind].recordValue(Math.max(0, Math.min(nanos, MAX_NANOS)));
  }

  void commandReceived() {
    commands.incrementAndGet();
  }

  void badCommand() {
    badCommands.incrementAndGet();
  }

  /**
   * The simulator could not keep to its schedule (it is saturated: what was measured is the
   * simulator).
   */
  void behind() {
    behind.incrementAndGet();
  }

  /** A device published its first sample on battery (after being on mains) at {@code nanos}. */
  void onBatteryPublished(String serial, long nanos) {
    onBatteryPublished.putIfAbsent(serial, nanos);
  }

  /**
   * When each device published its first on-battery sample since the last call ({@link
   * System#nanoTime()}), by serial; S3 with notifications counts each device's latency from there.
   */
  public Map<String, Long> takeOnBatteryPublished() {
    Map<String, Long> out = new HashMap<>();
    for (String serial : onBatteryPublished.keySet()) {
      Long at = onBatteryPublished.remove(serial);
      if (at != null) out.put(serial, at);
    }
    return out;
  }

  public long online() {
    return online.get();
  }

  public long connects() {
    return connects.get();
  }

  public long refusals() {
    return refusals.get();
  }

  public long disconnects() {
    return disconnects.get();
  }

  public long published(String kind) {
    return published.get(index(kind));
  }

  public long acknowledged(String kind) {
    return acknowledged.get(index(kind));
  }

  public long commandsReceived() {
    return commands.get();
  }

  public long behindSchedule() {
    return behind.get();
  }

  /** The CONNACK latencies since the last call (interval histogram, nanoseconds). */
  public Histogram takeConnAck() {
    return connAck.getIntervalHistogram();
  }

  /** The PUBACK latencies of {@code kind} since the last call (nanoseconds). */
  public Histogram takePubAck(String kind) {
    return pubAck[index(kind)].getIntervalHistogram();
  }

  private static int index(String kind) {
    for (int i = 0; i < KINDS.length; i++) if (KINDS[i].equals(kind)) return i;
    throw new IllegalArgumentException(kind);
  }
}
