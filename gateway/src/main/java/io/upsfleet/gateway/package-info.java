/**
 * The deployable gateway node: {@link io.upsfleet.gateway.Main} ({@code demo} and {@code node}) and
 * {@link io.upsfleet.gateway.GatewayNode}, which starts the database pool, the cluster node, the
 * MQTT edge and the HTTP API and translates between the wire and the domain.
 */
package io.upsfleet.gateway;
