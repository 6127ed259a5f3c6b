/**
 * The notification screens of the console (issue 11): sites, destinations with "send test",
 * policies, site outage incidents and the delivery log of one account.
 */
package io.upsfleet.ui.notify;
