package io.upsfleet.api.rest;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * Body of {@code POST /api/v1/devices/{serial}/commands}: one record per operation, chosen by
 * {@code type}; a field that does not belong to the type is refused.
 *
 * <ul>
 *   <li>{@code OUTLET_GROUP_REBOOT}: {@code group} (0 = main outlet group, 1–2 switched groups;
 *       what the model has, see {@code GET …/operations}), {@code offDelaySeconds} (0–600, default
 *       5), {@code onDelaySeconds} (0–3600, default 10);
 *   <li>{@code FIRMWARE_UPGRADE}: optional {@code version} (default: the catalogue's for the
 *       device);
 *   <li>{@code SET_INPUT_SENSITIVITY}: {@code sensitivity} = {@code high|medium|low};
 *   <li>{@code SELF_TEST}: nothing more.
 * </ul>
 *
 * {@code ttlSeconds} (10–604800, default 3600): an operation the device has not received by then
 * expires and is never executed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CommandRequest.OutletGroupReboot.class, name = "OUTLET_GROUP_REBOOT"),
  @JsonSubTypes.Type(value = CommandRequest.FirmwareUpgrade.class, name = "FIRMWARE_UPGRADE"),
  @JsonSubTypes.Type(
      value = CommandRequest.SetInputSensitivity.class,
      name = "SET_INPUT_SENSITIVITY"),
  @JsonSubTypes.Type(value = CommandRequest.SelfTest.class, name = "SELF_TEST")
})
public sealed interface CommandRequest {

  /** The wire names of {@code type}. */
  List<String> TYPES =
      List.of("OUTLET_GROUP_REBOOT", "FIRMWARE_UPGRADE", "SET_INPUT_SENSITIVITY", "SELF_TEST");

  /** Seconds the operation may wait for the device, or null for the default. */
  Integer ttlSeconds();

  record OutletGroupReboot(
      Integer group, Integer offDelaySeconds, Integer onDelaySeconds, Integer ttlSeconds)
      implements CommandRequest {}

  record FirmwareUpgrade(String version, Integer ttlSeconds) implements CommandRequest {}

  record SetInputSensitivity(String sensitivity, Integer ttlSeconds) implements CommandRequest {}

  record SelfTest(Integer ttlSeconds) implements CommandRequest {}
}
