/**
 * The REST wire contract of {@code /api/v1}: request and response records, serialised with Jackson.
 * These records are the only types the HTTP API reads and writes; entity messages never appear in
 * JSON.
 */
package io.upsfleet.api.rest;
