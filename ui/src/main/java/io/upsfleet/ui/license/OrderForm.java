package io.upsfleet.ui.license;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.api.rest.LicenseOrderRequest;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A purchase order (support): PO number, SKU, quantity, channel and the installer's e-mail. It
 * checks what it can before sending (the gateway checks again) and fires {@link SubmitEvent} with
 * the request.
 */
public class OrderForm extends FormLayout {
  private static final Pattern PO = Pattern.compile("[A-Za-z0-9 ._/-]{1,64}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  final TextField poNumber = new TextField("PO number");
  final Select<String> sku = new Select<>();
  final IntegerField quantity = new IntegerField("Quantity");
  final Select<String> channel = new Select<>();
  final EmailField installerEmail = new EmailField("Installer e-mail");
  private final Button create = new Button("Create order");

  /** The form was submitted with a valid request. */
  public static final class SubmitEvent extends ComponentEvent<OrderForm> {
    private final LicenseOrderRequest request;

    SubmitEvent(OrderForm source, LicenseOrderRequest request) {
      super(source, false);
      this.request = request;
    }

    public LicenseOrderRequest request() {
      return request;
    }
  }

  public OrderForm() {
    setId("order-form");
    poNumber.setId("order-po");
    sku.setLabel("SKU");
    sku.setId("order-sku");
    quantity.setId("order-quantity");
    quantity.setMin(1);
    quantity.setMax(10000);
    quantity.setValue(1);
    quantity.setStepButtonsVisible(true);
    channel.setLabel("Channel");
    channel.setItems("ONLINE", "PARTNER");
    channel.setValue("ONLINE");
    installerEmail.setId("order-email");
    create.setId("order-create");
    create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    create.addClickListener(e -> submit());
    add(poNumber, sku, quantity, channel, installerEmail, create);
    setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("40em", 3));
  }

  public void setSkus(List<String> skus) {
    sku.setItems(skus);
    if (!skus.isEmpty() && sku.getValue() == null) sku.setValue(skus.get(0));
  }

  public Registration addSubmitListener(ComponentEventListener<SubmitEvent> l) {
    return addListener(SubmitEvent.class, l);
  }

  /** Validates; fires {@link SubmitEvent} and returns true when the order can be sent. */
  public boolean submit() {
    boolean ok =
        check(
            poNumber,
            PO.matcher(poNumber.getValue().trim()).matches(),
            "1 to 64 letters, digits, spaces, . _ / -");
    ok &=
        check(
            installerEmail,
            EMAIL.matcher(installerEmail.getValue().trim()).matches(),
            "An e-mail address");
    Integer q = quantity.getValue();
    boolean qOk = q != null && q >= 1 && q <= 10000;
    quantity.setInvalid(!qOk);
    quantity.setErrorMessage(qOk ? null : "1 to 10 000");
    ok &= qOk;
    boolean skuOk = sku.getValue() != null;
    sku.setInvalid(!skuOk);
    sku.setErrorMessage(skuOk ? null : "Choose a SKU");
    ok &= skuOk;
    if (!ok) return false;
    fireEvent(
        new SubmitEvent(
            this,
            new LicenseOrderRequest(
                poNumber.getValue().trim(),
                sku.getValue(),
                q,
                null,
                channel.getValue(),
                installerEmail.getValue().trim())));
    return true;
  }

  /** Empties the form for the next order. */
  public void clear() {
    poNumber.clear();
    installerEmail.clear();
    quantity.setValue(1);
  }

  private static boolean check(TextField f, boolean valid, String message) {
    f.setInvalid(!valid);
    f.setErrorMessage(valid ? null : message);
    return valid;
  }

  private static boolean check(EmailField f, boolean valid, String message) {
    f.setInvalid(!valid);
    f.setErrorMessage(valid ? null : message);
    return valid;
  }
}
