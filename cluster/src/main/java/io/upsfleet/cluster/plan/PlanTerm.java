package io.upsfleet.cluster.plan;

import io.upsfleet.cluster.CborSerializable;
import java.time.Duration;
import java.time.Instant;

/**
 * One stretch of a device's plan timeline: {@code plan} from {@code start} (inclusive) to {@code
 * end} (exclusive). A term interrupted by an upgrade is split: the part before the upgrade stays
 * where it was, the remainder becomes a new term (same {@code assignmentId}) after the higher plan.
 *
 * @param plan STANDARD or ADVANCED (Basic is the absence of a term)
 * @param start first instant of the term
 * @param end first instant after the term
 * @param source trial, license, promotion or warranty
 * @param assignmentId the assignment that created it (the trial's is {@code trial})
 * @param sku the SKU it was bought as, or null for the trial
 */
public record PlanTerm(
    Plan plan, Instant start, Instant end, TermSource source, String assignmentId, String sku)
    implements CborSerializable {

  public PlanTerm {
    if (plan == Plan.BASIC) throw new IllegalArgumentException("Basic is not a term");
    if (!end.isAfter(start)) throw new IllegalArgumentException("a term must end after it starts");
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  public boolean covers(Instant at) {
    return !at.isBefore(start) && at.isBefore(end);
  }

  PlanTerm withSpan(Instant newStart, Instant newEnd) {
    return new PlanTerm(plan, newStart, newEnd, source, assignmentId, sku);
  }
}
