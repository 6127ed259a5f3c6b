package io.upsfleet.load.fleet;

/** A provisioned device: its serial, MQTT secret and model. */
public record Member(String serial, String secret, String model) {}
