package io.upsfleet.ui.login;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinSession;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a console session: revokes the gateway token, forgets the user and sends the browser to
 * sign-in.
 */
public final class SignOut {
  private static final Logger log = LoggerFactory.getLogger(SignOut.class);

  private SignOut() {}

  /** Signs out; {@code revoke} false when the token is already dead (401). */
  public static void now(boolean revoke) {
    CurrentUser.get()
        .ifPresent(
            u -> {
              if (revoke) {
                try {
                  u.client().signOut();
                } catch (ApiError e) {
                  log.info("token revocation failed for {}: {}", u.username(), e.getMessage());
                }
              }
            });
    CurrentUser.clear();
    UI ui = UI.getCurrent();
    if (ui != null) ui.getPage().setLocation(revoke ? "login" : "login?expired");
    VaadinSession s = VaadinSession.getCurrent();
    if (s != null && s.getSession() != null) s.getSession().invalidate();
  }
}
