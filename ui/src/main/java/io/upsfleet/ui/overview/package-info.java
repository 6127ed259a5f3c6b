/**
 * The fleet at a glance: counts by status (from the {@code total} of filtered one-row list calls,
 * so it stays cheap on a 100 000-device fleet) and the devices that need attention first, worst
 * problem first. {@link io.upsfleet.ui.overview.FleetOverview} computes it; the view only draws it.
 */
package io.upsfleet.ui.overview;
