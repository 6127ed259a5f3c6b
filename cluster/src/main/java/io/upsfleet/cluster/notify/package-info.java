/**
 * Outgoing notifications. E-mail of the system (activation codes): an outbox table filled by
 * projections in the same transaction as the facts that cause the mail, and one dispatcher per
 * cluster. Customer notifications (issue 11): destinations (e-mail, Slack, Teams, signed webhooks)
 * and policies per account; {@link io.upsfleet.cluster.notify.NotificationProjection} turns device
 * events into outbox rows (blips, flapping, site outage incidents), and {@link
 * io.upsfleet.cluster.notify.NotificationDispatcher} on every node sends them at least once with
 * retries, rate limits and leases.
 */
package io.upsfleet.cluster.notify;
