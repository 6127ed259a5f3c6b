/**
 * The audit trail: a table of who did what and when, written for every support action and every
 * refused or cross-tenant attempt, from the HTTP API and from the MQTT edge alike.
 */
package io.upsfleet.cluster.audit;
