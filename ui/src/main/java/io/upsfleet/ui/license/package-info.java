/**
 * Licenses: purchase orders and their activation codes (support), redeeming a code for an account,
 * assigning entitlements to selected devices with a preview of the resulting dates, and the
 * account's available entitlements. {@link io.upsfleet.ui.license.OrderForm} validates before
 * anything is sent; the gateway's answers (including refusals) are shown as they are.
 */
package io.upsfleet.ui.license;
