/**
 * Rolling firmware rollouts over many devices: the {@link
 * io.upsfleet.cluster.command.FirmwareRollout} entity and its façade. The package keeps its old
 * name because the rollout's persisted events carry it in their class names; the single-device
 * operation model lives in {@code io.upsfleet.cluster.operation}.
 */
package io.upsfleet.cluster.command;
