package io.upsfleet.ui.shell;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.ui.login.SignOut;

/**
 * Short messages at the bottom of the page; errors stay until closed or 8 s passed. UI threads
 * only.
 */
public final class Toasts {
  private Toasts() {}

  public static void success(String text) {
    Notification n = Notification.show(text, 4000, Notification.Position.BOTTOM_START);
    n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
  }

  public static void error(String text) {
    Notification n = Notification.show(text, 8000, Notification.Position.BOTTOM_START);
    n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    n.addClassName("error-toast");
  }

  /** Shows a failed gateway call; an expired token ends the session instead. */
  public static void error(RuntimeException e) {
    if (e instanceof ApiError g && g.isUnauthorized()) {
      SignOut.now(false);
      return;
    }
    error(
        e instanceof ApiError g
            ? g.userMessage()
            : "Something went wrong. The details were logged.");
  }
}
