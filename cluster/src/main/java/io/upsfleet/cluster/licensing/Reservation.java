package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.plan.Grant;
import java.util.List;

/**
 * The persisted intent to give one device one entitlement of {@code sku}; applied to the device
 * exactly once, identified by {@code assignmentId}.
 *
 * @param grants what the device receives (the SKU, and any promotion bonus decided at activation)
 */
public record Reservation(String assignmentId, String serial, String sku, List<Grant> grants)
    implements CborSerializable {
  public Reservation {
    grants = List.copyOf(grants);
  }
}
