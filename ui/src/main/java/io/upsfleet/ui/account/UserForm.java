package io.upsfleet.ui.account;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.api.rest.CreateUserRequest;

/**
 * A new user of an account: username, initial password (12+ characters, as the gateway requires)
 * and role. Fires {@link SubmitEvent} with a valid request.
 */
public class UserForm extends FormLayout {
  final TextField username = new TextField("Username");
  final PasswordField password = new PasswordField("Initial password");
  final Select<String> role = new Select<>();

  /** The form was submitted with a valid request. */
  public static final class SubmitEvent extends ComponentEvent<UserForm> {
    private final CreateUserRequest request;

    SubmitEvent(UserForm source, CreateUserRequest request) {
      super(source, false);
      this.request = request;
    }

    public CreateUserRequest request() {
      return request;
    }
  }

  public UserForm() {
    setId("user-form");
    username.setId("user-name");
    password.setId("user-password");
    password.setHelperText("At least 12 characters");
    role.setLabel("Role");
    role.setId("user-role");
    role.setItems("ACCOUNT_ADMIN", "ACCOUNT_OPERATOR", "ACCOUNT_VIEWER");
    role.setItemLabelGenerator(
        r ->
            r.equals("ACCOUNT_ADMIN")
                ? "Admin (manages the account)"
                : r.equals("ACCOUNT_OPERATOR")
                    ? "Operator (runs remote operations)"
                    : "Viewer (read only)");
    role.setValue("ACCOUNT_VIEWER");
    Button create = new Button("Create user", e -> submit());
    create.setId("user-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    add(username, password, role, create);
    setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("40em", 4));
  }

  public Registration addSubmitListener(ComponentEventListener<SubmitEvent> l) {
    return addListener(SubmitEvent.class, l);
  }

  /** Validates; fires {@link SubmitEvent} and returns true when the user can be created. */
  public boolean submit() {
    String u = username.getValue().trim();
    boolean userOk = u.matches("[A-Za-z0-9._@-]{3,100}");
    username.setInvalid(!userOk);
    username.setErrorMessage(userOk ? null : "3 to 100 letters, digits, . _ @ -");
    String p = password.getValue();
    boolean passOk = p.length() >= 12 && p.length() <= 200;
    password.setInvalid(!passOk);
    password.setErrorMessage(passOk ? null : "12 to 200 characters");
    if (!userOk || !passOk) return false;
    fireEvent(new SubmitEvent(this, new CreateUserRequest(u, p, role.getValue())));
    return true;
  }

  public void clear() {
    username.clear();
    password.clear();
  }
}
