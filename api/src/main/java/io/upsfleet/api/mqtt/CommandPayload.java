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
 *   <li>{@code SELF_TEST}: none.
 * </ul>
 */
public record CommandPayload(
    String id, String type, Map<String, Object> params, Instant issuedAt, Instant expiresAt) {}
