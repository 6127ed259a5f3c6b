/**
 * The simulator's MQTT side: a lightweight Netty client per simulated device (many per event loop)
 * and the shared statistics every connection records into.
 */
package io.upsfleet.load.mqtt;
