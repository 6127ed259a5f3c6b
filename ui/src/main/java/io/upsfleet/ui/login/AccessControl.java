package io.upsfleet.ui.login;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import io.upsfleet.ui.shell.ConsoleErrorHandler;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * Guards every navigation: nobody signed in → the sign-in page (remembering where they were going);
 * a role not listed in the target's {@link AllowedRoles} → the overview. Also installs the
 * session's error handler, so an unexpected failure shows a message instead of a stack trace.
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
    if (target == LoginView.class) return;
    var user = CurrentUser.get();
    if (user.isEmpty()) {
      String path = event.getLocation().getPathWithQueryParameters();
      event.forwardTo(
          "login", path.isEmpty() ? QueryParameters.empty() : QueryParameters.of("next", path));
      return;
    }
    AllowedRoles allowed = target.getAnnotation(AllowedRoles.class);
    if (allowed != null && Arrays.stream(allowed.value()).noneMatch(r -> r == user.get().role())) {
      event.forwardTo("");
    }
  }
}
