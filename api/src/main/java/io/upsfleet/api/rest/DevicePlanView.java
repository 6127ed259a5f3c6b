package io.upsfleet.api.rest;

import java.time.Instant;
import java.util.List;

/**
 * A device's plan: the current one, until when paid coverage lasts, every term (past and future, in
 * order), and the warranty.
 */
public record DevicePlanView(
    String serial,
    PlanView current,
    Instant coveredUntil,
    List<Term> terms,
    Instant warrantyEnds,
    Instant batteryWarrantyEnds) {

  /** One term: {@code source} is TRIAL, LICENSE, PROMOTION or WARRANTY. */
  public record Term(
      String plan, Instant start, Instant end, String source, String sku, String assignmentId) {}
}
