/**
 * Wire contracts shared by the gateway, the console and external clients: identifiers such as
 * {@link io.upsfleet.api.Serials serial numbers}, REST DTO records and MQTT topic and payload
 * shapes. This module depends on nothing but Jackson annotations, so any client can use it without
 * pulling in the server's frameworks.
 */
package io.upsfleet.api;
