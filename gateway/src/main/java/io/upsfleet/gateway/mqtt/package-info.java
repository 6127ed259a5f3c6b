/**
 * The MQTT 3.1.1 edge devices connect to, on Netty and netty-codec-mqtt: one pipeline per
 * connection (bounded decoder, connect phase, session phase), device authentication, topic ACLs,
 * payload parsing and the translation of publishes into commands of the device entities.
 */
package io.upsfleet.gateway.mqtt;
