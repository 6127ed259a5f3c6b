package io.upsfleet.ui.device;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeviceSecret;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.Toasts;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A device's place and lifecycle: its site (admins change it), and for admins and support the
 * actions that change who the device is: rotate its secret (the new one shown once), transfer it to
 * another account (support only) and deregister it (after a confirmation). Every action is the
 * gateway's; a refusal shows the gateway's reason.
 */
class DeviceAdminPanel extends Div {
  /** The "no site" choice of the site list. */
  private static final SiteView NO_SITE = new SiteView("", "No site", null, null, 0, null);

  private final SignedInUser user;
  private final LiveUpdates live;
  private final String serial;
  private final Runnable onGone;
  private final Paragraph site = new Paragraph("Site: …");
  private final Select<SiteView> siteChoice = new Select<>();
  private final Select<AccountView> transferTarget = new Select<>();
  private String accountId;

  /** {@code onGone} runs after the device was deregistered or moved out of the user's sight. */
  DeviceAdminPanel(SignedInUser user, LiveUpdates live, String serial, Runnable onGone) {
    this.user = user;
    this.live = live;
    this.serial = serial;
    this.onGone = onGone;
    addClassNames("card", "admin-card");
    setId("device-admin");
    site.setId("device-site");
    add(new H3("Site and lifecycle"), site);
    if (!user.canManage()) return;

    siteChoice.setId("site-select");
    siteChoice.setLabel("Move to site");
    siteChoice.setItemLabelGenerator(SiteView::name);
    Button move = new Button("Move", e -> moveToSite());
    move.setId("site-move");
    FlexLayout siteRow = new FlexLayout(siteChoice, move);
    siteRow.addClassName("filter-bar");
    add(siteRow);

    Button rotate = new Button("Rotate secret…", e -> confirmRotate());
    rotate.setId("rotate-secret");
    Button deregister = new Button("Deregister…", e -> confirmDeregister());
    deregister.setId("deregister");
    deregister.addThemeVariants(ButtonVariant.LUMO_ERROR);
    FlexLayout actions = new FlexLayout(rotate, deregister);
    actions.addClassName("filter-bar");
    add(actions);

    if (user.isSupport()) {
      transferTarget.setId("transfer-account");
      transferTarget.setLabel("Transfer to account");
      transferTarget.setItemLabelGenerator(AccountView::name);
      Button transfer = new Button("Transfer…", e -> confirmTransfer());
      transfer.setId("transfer");
      FlexLayout transferRow = new FlexLayout(transferTarget, transfer);
      transferRow.addClassName("filter-bar");
      add(transferRow);
    }
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (user.isSupport()) {
      live.load(
          e.getUI(),
          () -> user.client().accounts(0, 500).items(),
          transferTarget::setItems,
          Toasts::error);
    }
  }

  /** The device's account, known once the device was read; loads the sites once. */
  void showAccount(String account) {
    if (account == null || account.equals(accountId)) return;
    accountId = account;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () ->
                        new Sites(
                            user.client().sites(account), user.client().siteOf(serial, account)),
                    this::showSites,
                    e -> site.setText("Site: could not be read.")));
  }

  private record Sites(List<SiteView> all, SiteView current) {}

  private void showSites(Sites s) {
    showSite(s.current());
    List<SiteView> choices = new ArrayList<>();
    choices.add(NO_SITE);
    choices.addAll(s.all());
    siteChoice.setItems(choices);
    siteChoice.setValue(
        s.current() == null
            ? NO_SITE
            : choices.stream()
                .filter(c -> Objects.equals(c.id(), s.current().id()))
                .findFirst()
                .orElse(NO_SITE));
  }

  private void showSite(SiteView current) {
    site.setText(current == null ? "Site: none" : "Site: " + current.name());
  }

  private void moveToSite() {
    SiteView chosen = siteChoice.getValue();
    if (chosen == null) return;
    String siteId = chosen.id().isEmpty() ? null : chosen.id();
    run(
        () -> {
          user.client().setSite(serial, siteId);
          return chosen;
        },
        c -> {
          showSite(siteId == null ? null : c);
          Toasts.success(
              siteId == null
                  ? serial + " is in no site now."
                  : serial + " moved to " + c.name() + ".");
        });
  }

  private void confirmRotate() {
    confirm(
        "Rotate the secret of " + serial + "?",
        "A new secret is issued and shown once. The old one keeps working until the device first"
            + " connects with the new one, or until the grace period ends.",
        "Rotate secret",
        () -> run(() -> user.client().rotateSecret(serial), this::showSecret));
  }

  private void showSecret(DeviceSecret secret) {
    Dialog d = new Dialog();
    d.setHeaderTitle("New secret of " + serial);
    Pre value = new Pre(secret.secret());
    value.setId("new-secret");
    Paragraph note =
        new Paragraph(
            "Copy it now: it is shown only this once and stored only as a hash. Set it as the"
                + " device's MQTT password.");
    note.addClassName("note");
    d.add(value, note);
    Button close = new Button("I have copied it", e -> d.close());
    close.setId("secret-close");
    close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    d.getFooter().add(close);
    d.open();
  }

  private void confirmTransfer() {
    AccountView target = transferTarget.getValue();
    if (target == null) {
      transferTarget.setInvalid(true);
      transferTarget.setErrorMessage("Choose an account");
      return;
    }
    transferTarget.setInvalid(false);
    confirm(
        "Transfer " + serial + " to " + target.name() + "?",
        "The device moves with its plan and warranty; its event log so far stays with its current"
            + " account.",
        "Transfer",
        () ->
            run(
                () -> {
                  user.client().transfer(serial, target.id());
                  return target;
                },
                t -> {
                  Toasts.success(serial + " transferred to " + t.name() + ".");
                  accountId = null;
                  showAccount(t.id());
                }));
  }

  private void confirmDeregister() {
    confirm(
        "Deregister " + serial + "?",
        "Its credentials stop working at once and open sessions are closed; it leaves lists and"
            + " counts. Its event history is kept for the retention period. Remaining paid plan"
            + " time is lost unless support transfers the device instead.",
        "Deregister",
        () ->
            run(
                () -> {
                  user.client().deregister(serial);
                  return serial;
                },
                s -> {
                  Toasts.success(s + " deregistered.");
                  onGone.run();
                }));
  }

  private void confirm(String title, String text, String action, Runnable go) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle(title);
    Paragraph p = new Paragraph(text);
    p.setId("admin-confirm-text");
    dialog.add(p);
    Button cancel = new Button("Cancel", e -> dialog.close());
    cancel.setId("admin-confirm-cancel");
    Button ok =
        new Button(
            action,
            e -> {
              dialog.close();
              go.run();
            });
    ok.setId("admin-confirm");
    ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
    dialog.getFooter().add(cancel, ok);
    dialog.open();
    cancel.focus();
  }

  private <T> void run(Supplier<T> call, Consumer<T> done) {
    getUI().ifPresent(ui -> live.load(ui, call, done, Toasts::error));
  }
}
