/**
 * The UPS device: its event-sourced, sharded {@link io.upsfleet.cluster.device.UpsDevice} entity,
 * the {@link io.upsfleet.cluster.device.UpsDevices} façade through which every other part reaches
 * it, the telemetry and event vocabulary (NUT names, DOMAIN.md §2–§3), and the read models fed from
 * its journal.
 */
package io.upsfleet.cluster.device;
