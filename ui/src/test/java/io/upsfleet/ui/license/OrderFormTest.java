package io.upsfleet.ui.license;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.rest.LicenseOrderRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderFormTest {
  @Test
  void firesTheOrderWhenValid() {
    OrderForm form = new OrderForm();
    form.setSkus(List.of("SMARTCONNECT-ADVANCED-1Y", "SMARTCONNECT-STANDARD-1Y"));
    List<LicenseOrderRequest> sent = new ArrayList<>();
    form.addSubmitListener(e -> sent.add(e.request()));
    form.poNumber.setValue(" PO-2026/17 ");
    form.quantity.setValue(25);
    form.installerEmail.setValue("installer@example.com");
    assertThat(form.submit()).isTrue();
    assertThat(sent)
        .containsExactly(
            new LicenseOrderRequest(
                "PO-2026/17",
                "SMARTCONNECT-ADVANCED-1Y",
                25,
                null,
                "ONLINE",
                "installer@example.com"));
  }

  @Test
  void marksInvalidFieldsAndSendsNothing() {
    OrderForm form = new OrderForm();
    form.setSkus(List.of("SMARTCONNECT-ADVANCED-1Y"));
    List<LicenseOrderRequest> sent = new ArrayList<>();
    form.addSubmitListener(e -> sent.add(e.request()));
    form.poNumber.setValue("PO<script>");
    form.quantity.setValue(0);
    form.installerEmail.setValue("nobody");
    assertThat(form.submit()).isFalse();
    assertThat(sent).isEmpty();
    assertThat(form.poNumber.isInvalid()).isTrue();
    assertThat(form.quantity.isInvalid()).isTrue();
    assertThat(form.installerEmail.isInvalid()).isTrue();
  }
}
