package io.upsfleet.api.rest;

import java.util.List;

/** What each device got (or, in a preview, would get). */
public record AssignmentResult(boolean preview, List<DeviceResult> devices) {

  /** One device's assignment ids and resulting plan. */
  public record DeviceResult(String serial, List<String> assignmentIds, DevicePlanView plan) {}
}
