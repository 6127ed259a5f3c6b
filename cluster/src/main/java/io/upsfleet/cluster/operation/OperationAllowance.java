package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.plan.Plan;

/**
 * Whether one kind of operation is available on a device now, and why not.
 *
 * @param type the operation
 * @param allowed whether a request of it would be accepted (with valid parameters)
 * @param reason why it is not allowed, or null
 * @param requiredPlan the plan that would allow it when the plan is the reason, or null
 * @param outletGroups for outlet-group reboots, the groups the model has (0 = main), else 0
 * @param firmwareTarget for firmware upgrades, the version the device would get, or null
 */
public record OperationAllowance(
    CommandType type,
    boolean allowed,
    String reason,
    Plan requiredPlan,
    int outletGroups,
    String firmwareTarget)
    implements CborSerializable {}
