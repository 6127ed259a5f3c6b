package io.upsfleet.cluster.licensing;

/** A refused licensing operation, with the reason the API maps to a status. */
public final class LicensingException extends RuntimeException {
  private final LicenseOrder.Reason reason;

  public LicensingException(LicenseOrder.Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The same answer for a code that does not exist and another account's code. */
  static LicensingException codeNotFound() {
    return new LicensingException(LicenseOrder.Reason.NOT_FOUND, "no such activation code");
  }

  public LicenseOrder.Reason reason() {
    return reason;
  }
}
