/**
 * The fleet-wide event feed of the console (issue 13): every logged event of the accounts the user
 * sees, newest first, filtered by type, severity and site on the server, live, with CSV export.
 */
package io.upsfleet.ui.events;
