package io.upsfleet.api.rest;

import java.util.List;

/**
 * Body of {@code POST /api/v1/devices/bulk}: up to 1000 devices of one account ({@code accountId}:
 * support must name it, an account admin may omit it).
 */
public record BulkRegistrationRequest(String accountId, List<Device> devices) {

  /** One device to register; {@code siteId} (optional) puts it in a site of the account. */
  public record Device(String serial, String model, String siteId) {

    public Device(String serial, String model) {
      this(serial, model, null);
    }
  }
}
