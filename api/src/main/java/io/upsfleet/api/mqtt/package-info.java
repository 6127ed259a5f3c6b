/**
 * The MQTT topic contract between a UPS and the gateway. A device publishes telemetry, events and
 * command results under {@code ups/{serial}/...} and subscribes to its own commands topic; {@link
 * io.upsfleet.api.mqtt.DeviceTopic} parses a topic name once into a value object so that nothing
 * routes on raw strings.
 */
package io.upsfleet.api.mqtt;
