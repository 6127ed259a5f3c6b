/**
 * Devices: the lazily paged, filterable list ({@link io.upsfleet.ui.device.DeviceListView}, its
 * filters in the URL so a list can be shared) and one device's page ({@link
 * io.upsfleet.ui.device.DeviceDetailView}: live values by push, a server-drawn chart of what the
 * page has observed, the event log, plan and warranty, firmware, and commands guarded by {@link
 * io.upsfleet.ui.device.CommandPolicy}).
 */
package io.upsfleet.ui.device;
