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
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.AllowedRoles;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.List;

/** Accounts (support) and the users of the selected account, with forms to create both. */
@Route(value = "accounts", layout = MainLayout.class)
@PageTitle("Accounts and users · upsfleet")
@AllowedRoles({SignedInUser.Role.SUPPORT, SignedInUser.Role.ACCOUNT_ADMIN})
public class AccountsView extends VerticalLayout {
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Grid<AccountView> accounts = new Grid<>();
  private final TextField accountName = new TextField("New account name");
  private final Grid<UserView> users = new Grid<>();
  private final UserForm userForm = new UserForm();
  private final H2 usersTitle = new H2("Users");
  private final Paragraph noAccount = new Paragraph("Select an account to see and add its users.");
  private String selectedAccount;

  public AccountsView(LiveUpdates live) {
    this.live = live;
    addClassName("accounts-view");
    if (user.isSupport()) add(accountsSection());
    users.setId("user-grid");
    users.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    users.addColumn(UserView::username).setHeader("Username").setAutoWidth(true);
    users
        .addColumn(
            u ->
                u.role().equals("ACCOUNT_ADMIN")
                    ? "Admin"
                    : u.role().equals("ACCOUNT_OPERATOR")
                        ? "Operator"
                        : u.role().equals("ACCOUNT_VIEWER") ? "Viewer" : u.role())
        .setHeader("Role")
        .setAutoWidth(true);
    users.addColumn(u -> DeviceFormat.date(u.createdAt())).setHeader("Created");
    users.addColumn(u -> u.disabled() ? "Disabled" : "Active").setHeader("Status");
    users
        .addComponentColumn(
            u -> {
              Button toggle =
                  new Button(
                      u.disabled() ? "Enable" : "Disable", e -> setDisabled(u, !u.disabled()));
              toggle.setId("user-toggle-" + u.username());
              toggle.addThemeVariants(ButtonVariant.LUMO_SMALL);
              return toggle;
            })
        .setHeader("Access");
    users.setAllRowsVisible(true);
    userForm.addSubmitListener(
        e -> {
          String id = selectedAccount;
          getUI()
              .ifPresent(
                  ui ->
                      live.load(
                          ui,
                          () -> user.client().createUser(id, e.request()),
                          u -> {
                            Toasts.success("User " + u.username() + " created.");
                            userForm.clear();
                            loadUsers();
                          },
                          Toasts::error));
        });
    noAccount.addClassName("empty-state");
    Div section = new Div(usersTitle, noAccount, userForm, users);
    section.addClassNames("card", "section");
    add(section);
    if (!user.isSupport()) select(user.accountId(), "your account");
    else select(null, null);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (user.isSupport()) loadAccounts();
  }

  private Div accountsSection() {
    accounts.setId("account-grid");
    accounts.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    accounts.addColumn(AccountView::name).setHeader("Account").setAutoWidth(true);
    accounts.addColumn(AccountView::id).setHeader("Id");
    accounts
        .addColumn(a -> DeviceFormat.date(a.createdAt()))
        .setHeader("Created")
        .setAutoWidth(true);
    accounts.setHeight("16rem");
    accounts
        .asSingleSelect()
        .addValueChangeListener(
            e ->
                select(
                    e.getValue() == null ? null : e.getValue().id(),
                    e.getValue() == null ? null : e.getValue().name()));
    accountName.setId("account-name");
    Button create = new Button("Create account", e -> createAccount());
    create.setId("account-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    FlexLayout row = new FlexLayout(accountName, create);
    row.addClassName("filter-bar");
    Div d = new Div(new H2("Accounts"), row, accounts);
    d.addClassNames("card", "section");
    return d;
  }

  /** Disables (every session of the user ends at once) or enables a user. */
  private void setDisabled(UserView u, boolean disabled) {
    String id = selectedAccount;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () ->
                        user.client().updateUser(id, u.id(), new UpdateUserRequest(disabled, null)),
                    changed -> {
                      Toasts.success(
                          "User "
                              + changed.username()
                              + (changed.disabled() ? " disabled." : " enabled."));
                      loadUsers();
                    },
                    Toasts::error));
  }

  private void createAccount() {
    String name = accountName.getValue().trim();
    if (name.isEmpty()) {
      accountName.setInvalid(true);
      accountName.setErrorMessage("Enter a name");
      return;
    }
    accountName.setInvalid(false);
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().createAccount(name),
                    a -> {
                      Toasts.success("Account " + a.name() + " created.");
                      accountName.clear();
                      loadAccounts();
                    },
                    Toasts::error));
  }

  private void loadAccounts() {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().accounts(0, 500).items(),
                    accounts::setItems,
                    Toasts::error));
  }

  private void select(String accountId, String name) {
    selectedAccount = accountId;
    usersTitle.setText(accountId == null ? "Users" : "Users of " + name);
    noAccount.setVisible(accountId == null);
    userForm.setVisible(accountId != null);
    users.setVisible(accountId != null);
    if (accountId != null) loadUsers();
  }

  private void loadUsers() {
    String id = selectedAccount;
    if (id == null) return;
    if (getUI().isPresent()) {
      live.load(getUI().get(), () -> user.client().users(id), this::showUsers, Toasts::error);
    } else {
      addAttachListener(
          e -> {
            e.unregisterListener();
            loadUsers();
          });
    }
  }

  private void showUsers(List<UserView> list) {
    users.setItems(list);
  }
}
