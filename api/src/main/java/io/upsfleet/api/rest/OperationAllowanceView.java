package io.upsfleet.api.rest;

/**
 * Whether a device may be asked an operation now ({@code GET /api/v1/devices/{serial}/operations}):
 * the console shows these instead of repeating the plan rules.
 *
 * @param type the operation ({@code OUTLET_GROUP_REBOOT}, {@code FIRMWARE_UPGRADE}, {@code
 *     SET_INPUT_SENSITIVITY}, {@code SELF_TEST})
 * @param allowed whether a request with valid parameters would be accepted now
 * @param reason why not, or null
 * @param requiredPlan the plan that would allow it when the plan is the reason, or null
 * @param outletGroups for outlet-group reboots, how many groups the model has (0 is the main one)
 * @param firmwareTarget for firmware upgrades, the version the device would get, or null
 */
public record OperationAllowanceView(
    String type,
    boolean allowed,
    String reason,
    String requiredPlan,
    Integer outletGroups,
    String firmwareTarget) {}
