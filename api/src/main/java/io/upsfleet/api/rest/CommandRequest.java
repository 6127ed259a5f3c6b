package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/devices/{serial}/commands}, one shape per {@code type}:
 *
 * <ul>
 *   <li>{@code OUTLET_GROUP_REBOOT}: {@code group} (0 = main outlet group, 1–2 switched groups),
 *       {@code offDelaySeconds} (0–600, default 5), {@code onDelaySeconds} (0–3600, default 10);
 *   <li>{@code FIRMWARE_UPGRADE}: optional {@code version} (default: the catalogue's for the
 *       device);
 *   <li>{@code SET_INPUT_SENSITIVITY}: {@code sensitivity} = {@code high|medium|low};
 *   <li>{@code SELF_TEST}: nothing more.
 * </ul>
 *
 * {@code ttlSeconds} (10–604800, default 3600): a command the device has not received by then
 * expires and is never sent.
 */
public record CommandRequest(
    String type,
    Integer group,
    Integer offDelaySeconds,
    Integer onDelaySeconds,
    String version,
    String sensitivity,
    Integer ttlSeconds) {}
