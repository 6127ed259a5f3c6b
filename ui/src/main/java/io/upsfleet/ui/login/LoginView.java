package io.upsfleet.ui.login;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.Autocomplete;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.TokenResponse;
import java.util.List;

/**
 * Sign-in with a gateway user. The password goes to the gateway once; the token it returns stays in
 * the server-side session. Keyboard: Enter signs in from either field.
 */
@Route("login")
@PageTitle("Sign in · upsfleet")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final UpsfleetClient gateway;
  private final TextField username = new TextField("Username");
  private final PasswordField password = new PasswordField("Password");
  private final Button signIn = new Button("Sign in");
  private final Paragraph error = new Paragraph();
  private final PasswordField newPassword = new PasswordField("New password");
  private final PasswordField newPasswordAgain = new PasswordField("New password again");
  private final Button setPassword = new Button("Set new password and sign in");
  private final Paragraph mustChange =
      new Paragraph("Your password was reset by an administrator. Choose a new one to continue.");

  /** The sign-in that must change its password first (null otherwise). */
  private PendingChange pending;

  /** A session whose token serves only the password change, with what signing in again needs. */
  private record PendingChange(UpsfleetClient session, String username, String oldPassword) {}

  private String next = "";

  public LoginView(UpsfleetClient gateway) {
    this.gateway = gateway;
    addClassName("login-view");
    setSizeFull();
    setAlignItems(Alignment.CENTER);
    setJustifyContentMode(JustifyContentMode.CENTER);

    username.setId("username");
    username.setAutofocus(true);
    username.setRequiredIndicatorVisible(true);
    username.setAutocomplete(Autocomplete.USERNAME);
    password.setId("password");
    password.setRequiredIndicatorVisible(true);
    password.setAutocomplete(Autocomplete.CURRENT_PASSWORD);
    signIn.setId("sign-in");
    signIn.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    signIn.addClickShortcut(Key.ENTER);
    signIn.addClickListener(e -> submit());
    error.setId("login-error");
    error.addClassName("error-text");
    error.setVisible(false);

    newPassword.setId("new-password");
    newPassword.setHelperText("At least 12 characters, not the old one");
    newPassword.setAutocomplete(Autocomplete.NEW_PASSWORD);
    newPasswordAgain.setId("new-password-again");
    newPasswordAgain.setAutocomplete(Autocomplete.NEW_PASSWORD);
    setPassword.setId("set-password");
    setPassword.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    setPassword.addClickListener(e -> changePassword());
    mustChange.setId("must-change-password");
    for (Component c : List.of(newPassword, newPasswordAgain, setPassword, mustChange)) {
      c.setVisible(false);
    }
    newPassword.setWidthFull();
    newPasswordAgain.setWidthFull();
    setPassword.setWidthFull();
    Div card =
        new Div(
            new H1("upsfleet console"),
            new Paragraph("Sign in with your upsfleet account."),
            username,
            password,
            mustChange,
            newPassword,
            newPasswordAgain,
            error,
            signIn,
            setPassword);
    card.addClassName("login-card");
    username.setWidthFull();
    password.setWidthFull();
    signIn.setWidthFull();
    add(card);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    var params = event.getLocation().getQueryParameters().getParameters();
    next = params.getOrDefault("next", List.of("")).get(0);
    if (!isLocal(next)) next = "";
    if (params.containsKey("expired")) showError("Your session has expired. Please sign in again.");
    if (CurrentUser.get().isPresent()) event.forwardTo("");
  }

  private void submit() {
    String user = username.getValue().trim();
    if (user.isEmpty() || password.isEmpty()) {
      showError("Enter your username and password.");
      return;
    }
    signIn.setEnabled(false);
    try {
      UpsfleetClient session = gateway.newSession();
      TokenResponse t = session.signIn(user, password.getValue(), browserAddress());
      if (t.mustChangePassword()) {
        askNewPassword(new PendingChange(session, user, password.getValue()));
        return;
      }
      enter(t, session);
    } catch (ApiError e) {
      password.clear();
      password.focus();
      showError(e.status() == 401 ? "Wrong username or password." : e.userMessage());
    } finally {
      signIn.setEnabled(true);
    }
  }

  private void enter(TokenResponse t, UpsfleetClient session) {
    // A new session id on sign-in: a session id seen before sign-in is worth nothing after it.
    VaadinService.reinitializeSession(VaadinRequest.getCurrent());
    CurrentUser.set(SignedInUser.of(t, session));
    Location target = new Location(next);
    UI.getCurrent().navigate(target.getPath(), target.getQueryParameters());
  }

  /** The gateway's token only serves the password change: the second step of the sign-in. */
  private void askNewPassword(PendingChange change) {
    pending = change;
    error.setVisible(false);
    for (Component c : List.of(username, password, signIn)) c.setVisible(false);
    for (Component c : List.of(newPassword, newPasswordAgain, setPassword, mustChange)) {
      c.setVisible(true);
    }
    newPassword.focus();
  }

  private void changePassword() {
    if (pending == null) return;
    String chosen = newPassword.getValue();
    if (chosen.length() < 12 || chosen.length() > 200) {
      showError("The new password must be 12 to 200 characters.");
      return;
    }
    if (!chosen.equals(newPasswordAgain.getValue())) {
      showError("The two new passwords differ.");
      return;
    }
    try {
      UpsfleetClient session = pending.session();
      session.changePassword(pending.oldPassword(), chosen);
      TokenResponse t = session.signIn(pending.username(), chosen, browserAddress());
      pending = null;
      enter(t, session);
    } catch (ApiError e) {
      showError(e.userMessage());
    }
  }

  /** The browser's address, for the gateway's sign-in throttle (null when unknown). */
  private static String browserAddress() {
    VaadinSession session = VaadinSession.getCurrent();
    return session.getBrowser() == null ? null : session.getBrowser().getAddress();
  }

  /**
   * Only a path inside the console may follow sign-in: no scheme, host or protocol-relative URL.
   */
  static boolean isLocal(String path) {
    return path != null
        && path.matches("[A-Za-z0-9/_\\-?=&.%+]*")
        && !path.startsWith("/")
        && !path.contains("//")
        && !path.startsWith("login");
  }

  private void showError(String message) {
    error.setText(message);
    error.setVisible(true);
  }
}
