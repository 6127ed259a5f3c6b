package io.upsfleet.api.rest;

/**
 * Body of {@code POST /api/v1/devices}. {@code accountId} may be omitted by an account admin (their
 * own account is used); support must name it. {@code siteId} (optional) puts the device in a site
 * of that account.
 */
public record RegisterDeviceRequest(String serial, String model, String accountId, String siteId) {

  public RegisterDeviceRequest(String serial, String model, String accountId) {
    this(serial, model, accountId, null);
  }
}
