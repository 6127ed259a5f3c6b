/**
 * Devices: the lazily paged, filterable list ({@link io.upsfleet.ui.device.DeviceListView}, its
 * filters in the URL so a list can be shared) and one device's page ({@link
 * io.upsfleet.ui.device.DeviceDetailView}: live values by push, a server-drawn chart of what the
 * page has observed, the event log, plan and warranty, firmware, and remote operations enabled as
 * the gateway's allowances say, never by plan rules repeated here).
 */
package io.upsfleet.ui.device;
