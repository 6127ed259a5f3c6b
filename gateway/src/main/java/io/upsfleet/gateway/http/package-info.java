/**
 * The admin HTTP API on Pekko HTTP: one routes class per resource, bearer authentication and
 * tenancy in every route, JSON bodies of the {@code api} records, and problem+json errors mapped in
 * one place.
 */
package io.upsfleet.gateway.http;
