/**
 * Outgoing notifications. For now e-mail: an outbox table filled by projections in the same
 * transaction as the facts that cause the mail, and one dispatcher per cluster that sends it with
 * retries and back-off through SMTP (or into files, for the demo).
 */
package io.upsfleet.cluster.notify;
