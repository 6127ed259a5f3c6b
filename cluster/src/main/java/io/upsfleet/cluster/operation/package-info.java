/**
 * Remote operations on one UPS: what a device can be asked to do ({@link
 * io.upsfleet.cluster.operation.Operation}), the one policy that decides whether it may be asked
 * now, the record the device entity keeps of each operation and its lifecycle, the message a device
 * receives and the report it sends back, and the firmware catalogue. Pure values: the device entity
 * persists and applies them.
 */
package io.upsfleet.cluster.operation;
