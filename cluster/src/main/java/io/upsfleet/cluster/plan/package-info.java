/**
 * Plans over time: the plans, the SKUs, an assignment's grants, the feature gates ({@link
 * io.upsfleet.cluster.plan.Feature}), and a device's {@link io.upsfleet.cluster.plan.PlanTimeline}
 * with its term arithmetic (appending, stacking, upgrades), expiry and reminders. Pure values and
 * functions; the device entity persists and applies them.
 */
package io.upsfleet.cluster.plan;
