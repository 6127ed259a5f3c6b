/**
 * Reseller renewal support (DOMAIN.md §9): an account's consent to share lifecycle data with its
 * preferred reseller, the reseller's single-use invitation (7 days), the accounts a reseller may
 * read, revocation, and the daily lifecycle digest e-mails at 90/30/7/0 days before each expiry.
 */
package io.upsfleet.cluster.reseller;
