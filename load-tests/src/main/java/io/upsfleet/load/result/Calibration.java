package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * S0: the ceilings of the machine a report was measured on, so that every run can be read against
 * them. What the simulator alone and Mosquitto cost is the report's run (a Mosquitto run of {@code
 * runs}), measured like every other run.
 *
 * @param loopback plain sockets on 127.0.0.1
 * @param postgres PostgreSQL's insert ceiling, or null (no JDBC URL given)
 * @param json parsing one telemetry payload with Jackson
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Calibration(Loopback loopback, PostgresInserts postgres, JsonParse json) {

  /**
   * Plain TCP sockets on loopback, {@code payloadBytes} per message, TCP_NODELAY.
   *
   * @param roundTrips measured round trips (one message out, echoed back, one at a time)
   * @param roundTripP50Micros their median
   * @param roundTripP99Micros their 99th percentile
   * @param oneWayMessagesPerSecond messages received per second when one side writes each message
   *     with its own {@code write} (one system call per message, as an MQTT client flushes a
   *     publish) and the other reads
   */
  public record Loopback(
      int payloadBytes,
      long roundTrips,
      double roundTripP50Micros,
      double roundTripP99Micros,
      double oneWayMessagesPerSecond) {}

  /**
   * Rows inserted per second into a TEMP table (id, serial, time, a JSON text of 400 bytes).
   *
   * @param url the JDBC URL without its parameters (they may hold a password)
   * @param singleRows rows inserted one by one, each its own transaction (autocommit)
   * @param singleRowsPerSecond their rate
   * @param batchSize rows per JDBC batch ({@code reWriteBatchedInserts=true}), one commit per batch
   * @param batchedRows rows inserted in batches
   * @param batchedRowsPerSecond their rate
   */
  public record PostgresInserts(
      String url,
      int singleRows,
      double singleRowsPerSecond,
      int batchSize,
      int batchedRows,
      double batchedRowsPerSecond) {}

  /**
   * Jackson's {@code readTree} of one telemetry payload as the simulator sends it, after a warm-up.
   *
   * @param payloadBytes the payload's size
   * @param parses parses measured
   * @param nanosPerParse wall time per parse, one thread
   */
  public record JsonParse(int payloadBytes, long parses, double nanosPerParse) {}
}
