/**
 * The console's only way to the gateway: {@link io.upsfleet.ui.gateway.GatewayClient}, an interface
 * over the HTTP API ({@code /api/v1}) that speaks the {@code api} module's records, and its
 * java.net.http + Jackson implementation. A failed call is a {@link
 * io.upsfleet.ui.gateway.GatewayException} carrying the server's problem details, which views show
 * as they are (never a stack trace).
 */
package io.upsfleet.ui.gateway;
