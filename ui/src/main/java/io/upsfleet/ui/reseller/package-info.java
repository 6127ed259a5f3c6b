/**
 * Reseller renewal support in the console (issue 12): the account's preferred reseller (invite,
 * status, revoke), the reseller's invitation page, and the reseller's own view of its consenting
 * accounts with their MyRenewals downloads.
 */
package io.upsfleet.ui.reseller;
