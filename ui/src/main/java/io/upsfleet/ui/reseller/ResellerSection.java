package io.upsfleet.ui.reseller;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.textfield.EmailField;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.Toasts;

/**
 * An account's preferred reseller: its status (invited until…, accepted, expired, revoked), a form
 * to invite one (the admin consents to share lifecycle data only) and the revocation, which ends
 * the reseller's access at once.
 */
public class ResellerSection extends Div {
  private final LiveUpdates live;
  private final SignedInUser user;
  private final Paragraph status = new Paragraph();
  private final EmailField email = new EmailField("Reseller's e-mail address");
  private final Button invite = new Button("Invite and consent");
  private final Button revoke = new Button("Revoke");
  private String accountId;

  public ResellerSection(LiveUpdates live, SignedInUser user) {
    this.live = live;
    this.user = user;
    addClassNames("card", "section");
    setId("reseller-section");
    status.setId("reseller-status");
    email.setId("reseller-email");
    email.setWidth("22rem");
    invite.setId("reseller-invite");
    invite.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    invite.addClickListener(e -> invite());
    revoke.setId("reseller-revoke");
    revoke.addThemeVariants(ButtonVariant.LUMO_ERROR);
    revoke.addClickListener(e -> revoke());
    Paragraph scope =
        new Paragraph(
            "Inviting a preferred reseller consents to share lifecycle data only: battery"
                + " cartridge part numbers, battery, warranty and license expiry dates and"
                + " replacement SKUs; never telemetry, commands or events. The reseller must"
                + " accept within 7 days; you can revoke at any time.");
    scope.addClassName("note");
    FlexLayout form = new FlexLayout(email, invite, revoke);
    form.addClassName("filter-bar");
    add(new H2("Preferred reseller"), scope, status, form);
  }

  /** Shows the reseller of {@code account} (null: none selected). */
  public void show(String account) {
    accountId = account;
    setVisible(account != null);
    if (account == null) return;
    status.setText("…");
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui, () -> user.client().reseller(account), this::showStatus, Toasts::error));
  }

  private void showStatus(ResellerView r) {
    revoke.setVisible(r != null && !"REVOKED".equals(r.status()) && !"EXPIRED".equals(r.status()));
    if (r == null) {
      status.setText("No preferred reseller named.");
      return;
    }
    status.setText(
        switch (r.status()) {
          case "INVITED" ->
              "Invited: "
                  + r.resellerEmail()
                  + ", who may accept until "
                  + DeviceFormat.time(r.expiresAt())
                  + ".";
          case "ACCEPTED" ->
              "Accepted by "
                  + r.resellerEmail()
                  + " on "
                  + DeviceFormat.time(r.acceptedAt())
                  + "; consent given by "
                  + r.consentedBy()
                  + ".";
          case "EXPIRED" -> "The invitation of " + r.resellerEmail() + " expired unanswered.";
          case "REVOKED" ->
              "Revoked by "
                  + r.revokedBy()
                  + " on "
                  + DeviceFormat.time(r.revokedAt())
                  + " ("
                  + r.resellerEmail()
                  + " sees nothing of this account any more).";
          default -> r.status() + ": " + r.resellerEmail();
        });
  }

  private void invite() {
    String address = email.getValue().trim();
    if (address.isEmpty() || email.isInvalid()) {
      email.setInvalid(true);
      email.setErrorMessage("Enter an e-mail address");
      return;
    }
    String id = accountId;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().inviteReseller(id, address),
                    r -> {
                      Toasts.success("Invitation sent to " + r.resellerEmail() + ".");
                      email.clear();
                      showStatus(r);
                    },
                    Toasts::error));
  }

  private void revoke() {
    String id = accountId;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> {
                      user.client().revokeReseller(id);
                      return user.client().reseller(id);
                    },
                    r -> {
                      Toasts.success("The reseller's consent was revoked.");
                      showStatus(r);
                    },
                    Toasts::error));
  }
}
