/**
 * The support console: a Vaadin Flow application on Spring Boot that talks to the gateway only
 * through its HTTP API, with the api module's client ({@link
 * io.upsfleet.api.client.UpsfleetClient}). {@link io.upsfleet.ui.ConsoleApplication} wires the
 * shared pieces (the gateway connection, the one scheduler for live updates); each feature lives in
 * its own package (login, overview, device, license, account) with thin views over {@link
 * io.upsfleet.api.client.UpsfleetApi}.
 */
package io.upsfleet.ui;
