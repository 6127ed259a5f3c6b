package io.upsfleet.load.result;

import org.HdrHistogram.Histogram;

/**
 * A latency distribution in milliseconds: how many, p50, p99, p99.9 and max (the JSON field names
 * of every report since the first).
 */
public record Percentiles(long count, double p50, double p99, double p999, double max) {

  /** Of a histogram recorded in nanoseconds. */
  public static Percentiles of(Histogram nanos) {
    return new Percentiles(
        nanos.getTotalCount(),
        ms(nanos.getValueAtPercentile(50)),
        ms(nanos.getValueAtPercentile(99)),
        ms(nanos.getValueAtPercentile(99.9)),
        ms(nanos.getMaxValue()));
  }

  /** Nanoseconds as milliseconds with two decimals. */
  public static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }
}
