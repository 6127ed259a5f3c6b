/**
 * A small Java client of the REST API, used by the console, the load harness and the end-to-end
 * tests. It speaks only the records of {@code io.upsfleet.api.rest}.
 */
package io.upsfleet.api.client;
