/**
 * {@code upsfleet agent}: brings a UPS behind a local Network UPS Tools {@code upsd} (any brand
 * NUT's drivers know) into upsfleet. It polls upsd over NUT's network protocol, publishes the UPS's
 * variables as telemetry over MQTT exactly as a native device does (so the gateway derives the
 * status-change events), executes remote operations as {@code INSTCMD}/{@code SET VAR} and reports
 * their results, reconnects to either side after a restart and buffers (bounded) what it could not
 * send. Blocking I/O on its own thread: it is a small process of its own, not an event loop.
 */
package io.upsfleet.gateway.agent;
