/**
 * Remote operations on devices: the command model (types, lifecycle, the command record kept by the
 * device entity), the firmware catalogue, and rolling firmware rollouts over many devices.
 */
package io.upsfleet.cluster.command;
