/**
 * The frame around every view: {@link io.upsfleet.ui.shell.MainLayout} (navigation by role, the
 * signed-in user, sign-out), and how the console tells people about failures ({@link
 * io.upsfleet.ui.shell.Toasts}, {@link io.upsfleet.ui.shell.ConsoleErrorHandler}): the API's
 * problem details, never a stack trace.
 */
package io.upsfleet.ui.shell;
