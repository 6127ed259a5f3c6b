package io.upsfleet.ui.reseller;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.ui.login.LoginView;
import java.util.List;

/**
 * The page of a reseller's invitation e-mail ({@code UPSFLEET_RESELLER_ACCEPT_URL} points here; the
 * code comes as {@code ?code=}): accept with the single-use code and choose a password, then sign
 * in with the e-mail address. Open to everyone: the code is the proof.
 */
@Route("reseller-accept")
@PageTitle("Accept a reseller invitation · upsfleet")
public class ResellerAcceptView extends VerticalLayout implements BeforeEnterObserver {
  private final UpsfleetClient gateway;
  private final TextField code = new TextField("Invitation code");
  private final PasswordField password = new PasswordField("Choose a password");
  private final PasswordField again = new PasswordField("The password again");
  private final Paragraph outcome = new Paragraph();

  public ResellerAcceptView(UpsfleetClient gateway) {
    this.gateway = gateway;
    addClassName("login-view");
    setSizeFull();
    setAlignItems(Alignment.CENTER);
    setJustifyContentMode(JustifyContentMode.CENTER);
    code.setId("accept-code");
    password.setId("accept-password");
    password.setHelperText("12 to 200 characters (not needed if you have an upsfleet password)");
    again.setId("accept-password-again");
    Button accept = new Button("Accept invitation", e -> accept());
    accept.setId("accept-invitation");
    accept.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    outcome.setId("accept-outcome");
    for (var c : List.of(code, password, again)) c.setWidthFull();
    accept.setWidthFull();
    Div card =
        new Div(
            new H1("Reseller invitation"),
            new Paragraph("An upsfleet customer names you as its preferred reseller."),
            code,
            password,
            again,
            outcome,
            accept,
            new RouterLink("Sign in", LoginView.class));
    card.addClassName("login-card");
    add(card);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    event.getLocation().getQueryParameters().getSingleParameter("code").ifPresent(code::setValue);
  }

  private void accept() {
    if (!password.getValue().equals(again.getValue())) {
      show("The two passwords differ.", true);
      return;
    }
    try {
      ResellerView r =
          gateway.acceptResellerInvitation(code.getValue().trim(), password.getValue());
      show(
          "Accepted. Sign in as "
              + r.resellerEmail()
              + " to see the renewals of the accounts that share them with you.",
          false);
    } catch (ApiError e) {
      show(e.userMessage(), true);
    }
  }

  private void show(String text, boolean error) {
    outcome.setText(text);
    outcome.setClassName(error ? "error-text" : "success-text");
  }
}
