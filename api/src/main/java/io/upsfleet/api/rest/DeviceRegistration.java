package io.upsfleet.api.rest;

import java.time.Instant;

/**
 * Answer to a registration. The {@code secret} is the device's MQTT password: it is shown only
 * here, once, and stored only as a hash.
 */
public record DeviceRegistration(
    String serial,
    String model,
    String accountId,
    Instant registeredAt,
    String secret,
    MqttConnection mqtt) {

  /** How the device connects: client id and username are the serial, the password is the secret. */
  public record MqttConnection(
      String clientId,
      String username,
      String telemetryTopic,
      String eventsTopic,
      String commandsTopic) {}
}
