package io.upsfleet.load.mqtt;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an event loop for every device on it: devices put their next step on a grid of
 * {@link #GRID_NANOS}, and one periodic task of the loop steps every device that is due.
 *
 * <p>Why: with a timer per device, a fleet of 2 000 devices at 1 message/s woke each event loop
 * thousands of times a second, each wake an {@code epoll_wait} with its own time-out and a context
 * switch; in the soak the simulator spent more CPU per message than the gateway it measured, most
 * of it there ({@code perf}: {@code epoll_wait} and the kernel's IRQ enabling). On a grid, a loop
 * wakes {@code 1 s / GRID_NANOS} times a second whatever the fleet.
 *
 * <p>The schedule itself is on the grid: a device's intended send time is the grid point, so the
 * latency counted from it (open loop) includes any lateness of the loop, never a rounding of the
 * simulator's own making. Only its loop's thread uses a clock (the device connections are not
 * thread-safe either); {@link #of(EventLoop)} gives the calling loop's.
 */
final class DeviceClock {
  /**
   * The grid: 5 ms by default, 200 wakes a second per loop; 2 000 devices at 1 message/s share a
   * grid point by about five per loop. A message waits for no grid point: its send time is one.
   *
   * <p>The price: arrivals come in small bursts, which the measured server handles more cheaply per
   * message than evenly spread ones (Mosquitto, S0: 29 µs per message on a 5-ms grid, 38 µs on a
   * 1-ms one). Both targets of a run see the same pattern. {@code
   * -Dupsfleet.load.timer-grid-micros=N} (100..100000) sets another grid.
   */
  static final long GRID_NANOS = TimeUnit.MICROSECONDS.toNanos(gridMicros());

  private static long gridMicros() {
    long micros = Long.getLong("upsfleet.load.timer-grid-micros", 5000);
    if (micros < 100 || micros > 100_000)
      throw new IllegalArgumentException(
          "upsfleet.load.timer-grid-micros must be 100..100000, not " + micros);
    return micros;
  }

  private static final FastThreadLocal<DeviceClock> CLOCKS = new FastThreadLocal<>();

  /** A step due at a grid point. */
  private record Due(long atNanos, Runnable step) {}

  private final PriorityQueue<Due> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.atNanos, b.atNanos));
  private final long originNanos;

  private DeviceClock(EventLoop loop) {
    this.originNanos = System.nanoTime() + GRID_NANOS;
    loop.scheduleAtFixedRate(this::fire, GRID_NANOS, GRID_NANOS, TimeUnit.NANOSECONDS);
  }

  /** The clock of {@code loop}, which must be the calling thread's. */
  static DeviceClock of(EventLoop loop) {
    if (!loop.inEventLoop()) throw new IllegalStateException("not on " + loop);
    DeviceClock clock = CLOCKS.get();
    if (clock == null) {
      clock = new DeviceClock(loop);
      CLOCKS.set(clock);
    }
    return clock;
  }

  /** The first grid point at or after {@code nanos} ({@link System#nanoTime()}). */
  long ceil(long nanos) {
    long sinceOrigin = nanos - originNanos;
    if (sinceOrigin <= 0) return originNanos;
    return originNanos + (sinceOrigin + GRID_NANOS - 1) / GRID_NANOS * GRID_NANOS;
  }

  /**
   * Runs {@code step} on this loop at the first grid point at or after {@code nanos} ({@link
   * System#nanoTime()}), never before; returns that point. A step cannot be cancelled: the device
   * ignores a stale one.
   */
  long schedule(Runnable step, long nanos) {
    long at = ceil(nanos);
    queue.add(new Due(at, step));
    return at;
  }

  private void fire() {
    long now = System.nanoTime();
    Due next;
    while ((next = queue.peek()) != null && next.atNanos <= now) {
      queue.poll();
      next.step.run();
    }
  }
}
