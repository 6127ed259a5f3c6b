package io.upsfleet.ui.account;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.Toasts;

/**
 * Support staff (support only): the list, a form to add a colleague, and disable / enable. The
 * gateway refuses to disable the last active support user; its reason is shown as it is.
 */
class SupportUsersSection extends Div {
  private final LiveUpdates live;
  private final SignedInUser user;
  private final Grid<UserView> grid = new Grid<>();
  private final TextField name = new TextField("Username");
  private final PasswordField password = new PasswordField("Initial password");

  SupportUsersSection(LiveUpdates live, SignedInUser user) {
    this.live = live;
    this.user = user;
    addClassNames("card", "section");
    setId("support-users");
    grid.setId("support-user-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(UserView::username).setHeader("Username").setAutoWidth(true);
    grid.addColumn(u -> DeviceFormat.date(u.createdAt())).setHeader("Created");
    grid.addColumn(u -> u.disabled() ? "Disabled" : "Active").setHeader("Status");
    grid.addComponentColumn(
            u -> {
              Button toggle = new Button(u.disabled() ? "Enable" : "Disable", e -> setDisabled(u));
              toggle.setId("support-toggle-" + u.username());
              toggle.addThemeVariants(ButtonVariant.LUMO_SMALL);
              return toggle;
            })
        .setHeader("Access");
    grid.setAllRowsVisible(true);
    name.setId("support-user-name");
    password.setId("support-user-password");
    password.setHelperText("At least 12 characters");
    Button create = new Button("Add support user", e -> create());
    create.setId("support-user-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    FlexLayout form = new FlexLayout(name, password, create);
    form.addClassName("filter-bar");
    Paragraph note =
        new Paragraph(
            "Support users see and operate every account. The last active one cannot be"
                + " disabled.");
    note.addClassName("note");
    add(new H2("Support users"), note, form, grid);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    load();
  }

  private void create() {
    String u = name.getValue().trim();
    String p = password.getValue();
    boolean userOk = u.matches("[A-Za-z0-9._@-]{3,100}");
    boolean passOk = p.length() >= 12 && p.length() <= 200;
    name.setInvalid(!userOk);
    name.setErrorMessage(userOk ? null : "3 to 100 letters, digits, . _ @ -");
    password.setInvalid(!passOk);
    password.setErrorMessage(passOk ? null : "12 to 200 characters");
    if (!userOk || !passOk) return;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().createSupportUser(new CreateUserRequest(u, p, "SUPPORT")),
                    created -> {
                      Toasts.success("Support user " + created.username() + " created.");
                      name.clear();
                      password.clear();
                      load();
                    },
                    Toasts::error));
  }

  private void setDisabled(UserView u) {
    boolean disable = !u.disabled();
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () ->
                        user.client()
                            .updateSupportUser(u.id(), new UpdateUserRequest(disable, null)),
                    changed -> {
                      Toasts.success(
                          "Support user "
                              + changed.username()
                              + (changed.disabled() ? " disabled." : " enabled."));
                      load();
                    },
                    Toasts::error));
  }

  private void load() {
    getUI()
        .ifPresent(
            ui -> live.load(ui, () -> user.client().supportUsers(), grid::setItems, Toasts::error));
  }
}
