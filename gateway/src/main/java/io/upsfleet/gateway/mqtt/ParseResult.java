package io.upsfleet.gateway.mqtt;

import java.util.Objects;

/**
 * The outcome of parsing one device payload: either the whole value, or one reason for refusing all
 * of it. There is no partial result.
 *
 * @param <T> the domain value a payload becomes
 */
sealed interface ParseResult<T> permits ParseResult.Accepted, ParseResult.Rejected {

  /**
   * A payload that passed every check.
   *
   * @param value the domain value, never null
   * @param ignoredKeys how many unknown top-level keys the payload carried (tolerated, within
   *     limits)
   */
  record Accepted<T>(T value, int ignoredKeys) implements ParseResult<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A refused payload.
   *
   * @param reason the metric-friendly reason, never null
   * @param detail one short sentence, safe to log: it quotes at most a bounded, sanitised excerpt
   *     of the input
   */
  record Rejected<T>(PayloadRejection reason, String detail) implements ParseResult<T> {

    // Details are built from our own vocabulary plus quoted excerpts; this cap is the last guard.
    private static final int MAX_DETAIL_LENGTH = 200;

    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      if (detail.length() > MAX_DETAIL_LENGTH) detail = detail.substring(0, MAX_DETAIL_LENGTH);
    }
  }
}
