package io.upsfleet.ui.login;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import io.upsfleet.ui.reseller.ResellerAcceptView;
import io.upsfleet.ui.reseller.ResellerRenewalsView;
import io.upsfleet.ui.shell.ConsoleErrorHandler;
import io.upsfleet.ui.shell.Toasts;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * Guards every navigation: nobody signed in → the sign-in page (remembering where they were going);
 * a role not listed in the target's {@link AllowedRoles} → the overview (a reseller: its renewals
 * page, the only one it may open) with a message saying the page is not for that role, before the
 * view is built (so it reads nothing); the reseller's invitation page is open to all. Also installs
 * the session's error handler, so an unexpected failure shows a message instead of a stack trace.
 */
@Component
class AccessControl implements VaadinServiceInitListener {

  @Override
  public void serviceInit(ServiceInitEvent event) {
    event
        .getSource()
        .addSessionInitListener(e -> e.getSession().setErrorHandler(new ConsoleErrorHandler()));
    event.getSource().addUIInitListener(e -> e.getUI().addBeforeEnterListener(this::check));
  }

  private void check(BeforeEnterEvent event) {
    Class<?> target = event.getNavigationTarget();
    if (target == LoginView.class || target == ResellerAcceptView.class) return;
    var user = CurrentUser.get();
    if (user.isEmpty()) {
      String path = event.getLocation().getPathWithQueryParameters();
      event.forwardTo(
          "login", path.isEmpty() ? QueryParameters.empty() : QueryParameters.of("next", path));
      return;
    }
    AllowedRoles allowed = target.getAnnotation(AllowedRoles.class);
    SignedInUser.Role role = user.get().role();
    // A reseller sees its renewals page only; every other page needs no annotation or one naming
    // it.
    if (role == SignedInUser.Role.RESELLER
        && (allowed == null || Arrays.stream(allowed.value()).noneMatch(r -> r == role))) {
      if (target != ResellerRenewalsView.class) notAllowed(role);
      event.forwardTo(ResellerRenewalsView.class);
      return;
    }
    if (allowed != null && Arrays.stream(allowed.value()).noneMatch(r -> r == role)) {
      notAllowed(role);
      event.forwardTo("");
    }
  }

  /** Says why the page did not open (the view was never built, so nothing of it was read). */
  private static void notAllowed(SignedInUser.Role role) {
    Toasts.error("Not allowed: that page is not open to your role (" + role.label() + ").");
  }
}
