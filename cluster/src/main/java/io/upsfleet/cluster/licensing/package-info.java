/**
 * Licenses and activation codes: one event-sourced {@link
 * io.upsfleet.cluster.licensing.LicenseOrder} per purchase order (the single writer of its code's
 * counts), the {@link io.upsfleet.cluster.licensing.Licensing} façade that redeems codes and
 * assigns entitlements to devices exactly once, promotions as data, and the read models fed from
 * the orders' events.
 */
package io.upsfleet.cluster.licensing;
