package io.upsfleet.gateway.mqtt;

/**
 * Why a device payload was refused. Each reason has a stable snake_case label for metrics (for
 * example {@code mqtt_rejected_payloads_total{reason="out_of_range"}}); labels are a dashboard
 * contract, so they are spelled out rather than derived from the constant names.
 */
enum PayloadRejection {
  /** Zero bytes, or only whitespace. */
  EMPTY("empty"),
  /** More bytes than the configured maximum; refused before any decoding. */
  TOO_LARGE("too_large"),
  /** Not strict UTF-8, or starts with a byte order mark. */
  INVALID_ENCODING("invalid_encoding"),
  /** Not JSON: syntax errors, NaN or Infinity, duplicate keys, anything after the root value. */
  MALFORMED_JSON("malformed_json"),
  /** Valid JSON whose root is not an object. */
  NOT_AN_OBJECT("not_an_object"),
  /**
   * A bound was hit: nesting depth, number of keys, entries or tokens, length of a string or
   * number.
   */
  LIMIT_EXCEEDED("limit_exceeded"),
  /** A required field is absent or null. */
  MISSING_FIELD("missing_field"),
  /**
   * A field has the wrong JSON type (string for a number, array, object, boolean, null); no
   * coercion.
   */
  WRONG_TYPE("wrong_type"),
  /** A number, or the device's counter, outside the accepted bounds. */
  OUT_OF_RANGE("out_of_range"),
  /**
   * A string that is not one of the accepted values or formats (status token, enum, date,
   * timestamp).
   */
  INVALID_VALUE("invalid_value"),
  /** An event type that exists but is derived by the gateway, so a device may not report it. */
  NOT_REPORTABLE("not_reportable");

  private final String metricLabel;

  PayloadRejection(String metricLabel) {
    this.metricLabel = metricLabel;
  }

  /** The value of the {@code reason} metric label. */
  String metricLabel() {
    return metricLabel;
  }
}
