package io.upsfleet.ui.account;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.select.SelectVariant;
import com.vaadin.flow.component.textfield.PasswordField;
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
import io.upsfleet.ui.reseller.ResellerSection;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.List;

/**
 * Accounts (support) and the users of the selected account, with forms to create both; per user its
 * role, disable / enable and a password reset; support also sees the support users.
 */
@Route(value = "accounts", layout = MainLayout.class)
@PageTitle("Accounts and users · upsfleet")
@AllowedRoles({SignedInUser.Role.SUPPORT, SignedInUser.Role.ACCOUNT_ADMIN})
public class AccountsView extends VerticalLayout {
  private static final List<String> ROLES =
      List.of("ACCOUNT_ADMIN", "ACCOUNT_OPERATOR", "ACCOUNT_VIEWER");
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Grid<AccountView> accounts = new Grid<>();
  private final TextField accountName = new TextField("New account name");
  private final Grid<UserView> users = new Grid<>();
  private final UserForm userForm = new UserForm();
  private final H2 usersTitle = new H2("Users");
  private final Paragraph noAccount = new Paragraph("Select an account to see and add its users.");
  private final ResellerSection reseller;
  private String selectedAccount;

  public AccountsView(LiveUpdates live) {
    this.live = live;
    this.reseller = new ResellerSection(live, user);
    addClassName("accounts-view");
    if (user.isSupport()) add(accountsSection());
    users.setId("user-grid");
    users.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    users.addColumn(UserView::username).setHeader("Username").setAutoWidth(true);
    users
        .addComponentColumn(
            u -> {
              Select<String> role = new Select<>();
              role.setId("user-role-" + u.username());
              role.setItems(ROLES);
              role.setItemLabelGenerator(AccountsView::roleLabel);
              role.setValue(u.role());
              role.addThemeVariants(SelectVariant.LUMO_SMALL);
              role.setAriaLabel("Role of " + u.username());
              role.addValueChangeListener(
                  e -> {
                    if (e.isFromClient() && e.getValue() != null) changeRole(u, e.getValue());
                  });
              return role;
            })
        .setHeader("Role")
        .setAutoWidth(true);
    users.addColumn(u -> DeviceFormat.date(u.createdAt())).setHeader("Created");
    users
        .addColumn(
            u ->
                (u.disabled() ? "Disabled" : "Active")
                    + (u.mustChangePassword() ? " · must set a new password" : ""))
        .setHeader("Status")
        .setAutoWidth(true);
    users
        .addComponentColumn(
            u -> {
              Button toggle =
                  new Button(
                      u.disabled() ? "Enable" : "Disable", e -> setDisabled(u, !u.disabled()));
              toggle.setId("user-toggle-" + u.username());
              toggle.addThemeVariants(ButtonVariant.LUMO_SMALL);
              Button reset = new Button("Reset password", e -> askNewPassword(u));
              reset.setId("user-reset-" + u.username());
              reset.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
              return new HorizontalLayout(toggle, reset);
            })
        .setHeader("Access")
        .setAutoWidth(true);
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
    add(reseller);
    if (user.isSupport()) add(new SupportUsersSection(live, user));
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

  static String roleLabel(String role) {
    return switch (role) {
      case "ACCOUNT_ADMIN" -> "Admin";
      case "ACCOUNT_OPERATOR" -> "Operator";
      case "ACCOUNT_VIEWER" -> "Viewer";
      default -> role;
    };
  }

  /** Changes a user's role; a refusal shows the gateway's reason and the grid reloads. */
  private void changeRole(UserView u, String role) {
    String id = selectedAccount;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().updateUser(id, u.id(), new UpdateUserRequest(null, role)),
                    changed -> {
                      Toasts.success(
                          "User "
                              + changed.username()
                              + " is now "
                              + roleLabel(changed.role())
                              + ".");
                      loadUsers();
                    },
                    e -> {
                      Toasts.error(e);
                      loadUsers();
                    }));
  }

  /**
   * Asks for a password the user gets from the admin and must replace at their next sign-in (the
   * gateway ends their sessions).
   */
  private void askNewPassword(UserView u) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Reset the password of " + u.username() + "?");
    PasswordField password = new PasswordField("Temporary password");
    password.setId("reset-password");
    password.setHelperText(
        "At least 12 characters. Give it to "
            + u.username()
            + ", who must choose a new one at"
            + " the next sign-in.");
    password.setWidthFull();
    dialog.add(password);
    Button cancel = new Button("Cancel", e -> dialog.close());
    Button go =
        new Button(
            "Reset password",
            e -> {
              String p = password.getValue();
              if (p.length() < 12 || p.length() > 200) {
                password.setInvalid(true);
                password.setErrorMessage("12 to 200 characters");
                return;
              }
              dialog.close();
              resetPassword(u, p);
            });
    go.setId("reset-confirm");
    go.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    dialog.getFooter().add(cancel, go);
    dialog.open();
    password.focus();
  }

  private void resetPassword(UserView u, String password) {
    String id = selectedAccount;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().resetPassword(id, u.id(), password),
                    changed -> {
                      Toasts.success(
                          "Password of "
                              + changed.username()
                              + " reset: a new one must be chosen at the next sign-in.");
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
    showReseller(accountId);
  }

  private void showReseller(String accountId) {
    if (getUI().isPresent()) {
      reseller.show(accountId);
    } else {
      reseller.setVisible(false);
      addAttachListener(
          e -> {
            e.unregisterListener();
            reseller.show(accountId);
          });
    }
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
