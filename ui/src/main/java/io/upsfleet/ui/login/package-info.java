/**
 * Signing in and out, and who may see what. The gateway issues the token; the console keeps it
 * server-side in the {@code VaadinSession} ({@link io.upsfleet.ui.login.CurrentUser}) and never
 * sends it to the browser. {@link io.upsfleet.ui.login.AccessControl} sends anonymous visitors to
 * the sign-in page and keeps roles out of views not meant for them; the gateway still enforces
 * every rule itself.
 */
package io.upsfleet.ui.login;
