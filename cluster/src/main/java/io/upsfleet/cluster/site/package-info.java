/**
 * Sites: where an account's devices are (name, address, time zone). A device belongs to at most one
 * site of its account; lists and notifications (site outage incidents) use it.
 */
package io.upsfleet.cluster.site;
