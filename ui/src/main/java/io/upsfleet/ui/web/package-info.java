/**
 * The console's hardening on the web (issue 14): HTTPS from the gateway's PEM certificate
 * configuration beside the plain port, secure {@code SameSite} session cookies, and the security
 * headers (a Content-Security-Policy that Vaadin works with, frame and content-type protection).
 */
package io.upsfleet.ui.web;
