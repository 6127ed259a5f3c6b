/**
 * The domain of upsfleet and its actors: one event-sourced {@code UpsDevice} entity per UPS,
 * accounts and users, and the projections that feed the read models. Nothing here knows about
 * Netty, HTTP or Vaadin; the gateway translates wire formats into the commands of this module.
 * {@link io.upsfleet.cluster.UpsfleetCluster} starts all of it on one node.
 */
package io.upsfleet.cluster;
