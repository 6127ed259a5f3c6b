package io.upsfleet.gateway.mqtt;

import java.util.ArrayDeque;

/**
 * Bounds how many CONNECTs are being authenticated and attached at once; the rest wait in line
 * (bounded) instead of all hitting the database and the entities together and timing out. This is
 * the edge's connect-rate limiting: a reconnect storm is smoothed into a steady flow. Thread-safe.
 */
final class AttachGate {
  private final int limit;
  private final int maxWaiting;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  AttachGate(int limit, int maxWaiting) {
    this.limit = limit;
    this.maxWaiting = maxWaiting;
  }

  /**
   * Runs {@code start} now or when a place frees up; false when the line is full (the CONNECT is
   * refused). Whoever runs {@code start} must call {@link #leave()} exactly once when done.
   */
  boolean enter(Runnable start) {
    synchronized (this) {
      if (inFlight >= limit) {
        if (waiting.size() >= maxWaiting) return false;
        waiting.add(start);
        return true;
      }
      inFlight++;
    }
    start.run();
    return true;
  }

  /** Frees a place, starting the next in line. */
  void leave() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) inFlight--;
    }
    if (next != null) next.run();
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
