package io.upsfleet.api.mqtt;

import java.time.Instant;
import java.util.Map;

/**
 * What a device receives on {@code ups/{serial}/commands} (QoS 1): {@code
 * {"id","type","params":{…},"issuedAt","expiresAt"}}. The device executes an {@code id} at most
 * once (a publish sent again after a reconnect carries the same id) and never starts an operation
 * after {@code expiresAt}. Parameters per {@code type}, with their JSON types:
 *
 * <ul>
 *   <li>{@code OUTLET_GROUP_REBOOT}: {@code group} (number, 0 = main outlet group), {@code
 *       offDelaySeconds} (number), {@code onDelaySeconds} (number);
 *   <li>{@code FIRMWARE_UPGRADE}: {@code version} (string), {@code loadUnprotected} (boolean);
 *   <li>{@code SET_INPUT_SENSITIVITY}: {@code sensitivity} ({@code "high"|"medium"|"low"});
 *   <li>{@code SELF_TEST}: none;
 *   <li>{@code FIRMWARE_OFFER} (sent by the gateway to a device on Basic): {@code version}
 *       (string), {@code loadUnprotected} (boolean); the device shows the offer on its display and
 *       answers {@code SUCCEEDED}; a person starts the install at its LCD, and the device then
 *       reports the new {@code ups.firmware}.
 * </ul>
 */
public record CommandPayload(
    String id, String type, Map<String, Object> params, Instant issuedAt, Instant expiresAt) {}
