package io.upsfleet.api.rest;

/** The outcome of {@code POST …/notification-destinations/{id}/test}. */
public record DestinationTestResult(boolean delivered, String deliveryKey, String error) {}
