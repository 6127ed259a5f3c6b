package io.upsfleet.ui.login;

import com.vaadin.flow.server.VaadinSession;
import java.util.Optional;

/**
 * Reads and writes the {@link SignedInUser} of the current {@code VaadinSession} (UI threads only).
 */
public final class CurrentUser {
  private CurrentUser() {}

  public static Optional<SignedInUser> get() {
    VaadinSession s = VaadinSession.getCurrent();
    return s == null ? Optional.empty() : Optional.ofNullable(s.getAttribute(SignedInUser.class));
  }

  /** The signed-in user; views behind {@link AccessControl} can rely on one being there. */
  public static SignedInUser require() {
    return get().orElseThrow(() -> new IllegalStateException("nobody is signed in"));
  }

  static void set(SignedInUser user) {
    VaadinSession.getCurrent().setAttribute(SignedInUser.class, user);
  }

  static void clear() {
    VaadinSession s = VaadinSession.getCurrent();
    if (s != null) s.setAttribute(SignedInUser.class, null);
  }
}
