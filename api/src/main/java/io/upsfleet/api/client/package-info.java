/**
 * The Java client of the REST API, used by the console (its only HTTP client), the load harness and
 * the end-to-end tests: {@link io.upsfleet.api.client.UpsfleetApi}, the calls of a signed-in user,
 * and {@link io.upsfleet.api.client.UpsfleetClient}, its implementation on {@code java.net.http}
 * with sign-in. It speaks only the records of {@code io.upsfleet.api.rest}; a failed call is an
 * {@link io.upsfleet.api.client.UpsfleetClient.ApiError} with the server's problem details, or a
 * transport failure (status 0).
 */
package io.upsfleet.api.client;
