/**
 * The downsampled telemetry history: accepted samples become at most one point per device per
 * interval, queued in a bounded buffer and written in batches to {@code telemetry_history} on the
 * JDBC executor, off the entity's critical path. Old points are purged after the retention period.
 */
package io.upsfleet.cluster.telemetry;
