package io.upsfleet.ui.login;

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
import io.upsfleet.api.rest.TokenResponse;
import io.upsfleet.ui.gateway.Gateway;
import io.upsfleet.ui.gateway.GatewayException;
import java.util.List;

/**
 * Sign-in with a gateway user. The password goes to the gateway once; the token it returns stays in
 * the server-side session. Keyboard: Enter signs in from either field.
 */
@Route("login")
@PageTitle("Sign in · upsfleet")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final Gateway gateway;
  private final TextField username = new TextField("Username");
  private final PasswordField password = new PasswordField("Password");
  private final Button signIn = new Button("Sign in");
  private final Paragraph error = new Paragraph();
  private String next = "";

  public LoginView(Gateway gateway) {
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

    Div card =
        new Div(
            new H1("upsfleet console"),
            new Paragraph("Sign in with your upsfleet account."),
            username,
            password,
            error,
            signIn);
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
      VaadinSession session = VaadinSession.getCurrent();
      String address = session.getBrowser() == null ? null : session.getBrowser().getAddress();
      TokenResponse t = gateway.signIn(user, password.getValue(), address);
      if ("RESELLER".equals(t.role())) {
        // TODO(#12): the reseller's own console view; until then the API serves it.
        gateway.client(t.token()).signOut();
        showError(
            "Resellers use the API for now: GET /api/v1/reseller/accounts and the MyRenewals"
                + " downloads under it.");
        return;
      }
      // A new session id on sign-in: a session id seen before sign-in is worth nothing after it.
      VaadinService.reinitializeSession(VaadinRequest.getCurrent());
      CurrentUser.set(SignedInUser.of(t, gateway.client(t.token())));
      Location target = new Location(next);
      UI.getCurrent().navigate(target.getPath(), target.getQueryParameters());
    } catch (GatewayException e) {
      password.clear();
      password.focus();
      showError(e.status() == 401 ? "Wrong username or password." : e.userMessage());
    } finally {
      signIn.setEnabled(true);
    }
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
