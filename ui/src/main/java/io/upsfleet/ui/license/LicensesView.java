package io.upsfleet.ui.license;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.CallbackDataProvider;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.SkuView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Orders and activation codes (support creates them), redeeming a code for an account, assigning
 * entitlements to selected devices (preview first, then apply; viewers may only preview), and what
 * the account has left.
 */
@Route(value = "licenses", layout = MainLayout.class)
@PageTitle("Licenses · upsfleet")
public class LicensesView extends VerticalLayout {
  private static final int PAGE = 50;
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final ComboBox<AccountView> account = new ComboBox<>("Account");
  private final Grid<LicenseOrderView> orders = new Grid<>();
  private final OrderForm orderForm = new OrderForm();
  private final Paragraph newCode = new Paragraph();
  private final TextField redeemCode = new TextField("Activation code");
  private final TextField assignCode = new TextField("Activation code");
  private final ComboBox<String> assignSku = new ComboBox<>("SKU (optional when the code has one)");
  private final TextField deviceSearch = new TextField("Find devices");
  private final Grid<DeviceSummary> devices = new Grid<>();
  private final Grid<AssignmentResult.DeviceResult> preview = new Grid<>();
  private final Paragraph previewNote = new Paragraph();
  private final Grid<EntitlementView> entitlements = new Grid<>();
  private final Paragraph noEntitlements =
      new Paragraph("No entitlements yet: redeem an activation code.");
  private CallbackDataProvider<DeviceSummary, Void> deviceData;

  public LicensesView(LiveUpdates live) {
    this.live = live;
    addClassName("licenses-view");

    account.setId("license-account");
    account.setItemLabelGenerator(AccountView::name);
    account.setPlaceholder("Choose an account");
    account.setVisible(user.isSupport());
    account.addValueChangeListener(e -> accountChanged());

    add(account);
    if (user.isSupport()) add(ordersSection());
    add(redeemSection(), assignSection(), entitlementsSection());
  }

  @Override
  protected void onAttach(AttachEvent e) {
    var ui = e.getUI();
    live.load(ui, () -> user.client().licenseOrders(), this::showOrders, Toasts::error);
    live.load(
        ui,
        () -> user.client().skus(),
        skus -> {
          orderForm.setSkus(skus.stream().map(SkuView::sku).toList());
          assignSku.setItems(skus.stream().map(SkuView::sku).toList());
        },
        Toasts::error);
    if (user.isSupport()) {
      live.load(ui, () -> user.client().accounts(0, 500).items(), account::setItems, Toasts::error);
    } else {
      accountChanged();
    }
  }

  private String accountId() {
    if (!user.isSupport()) return user.accountId();
    return account.getValue() == null ? null : account.getValue().id();
  }

  private void accountChanged() {
    devices.deselectAll();
    preview.setItems(List.of());
    previewNote.setText("");
    if (deviceData != null) deviceData.refreshAll();
    loadEntitlements();
  }

  private Div ordersSection() {
    orders.setId("order-grid");
    orders.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    orders.addColumn(LicenseOrderView::poNumber).setHeader("PO").setAutoWidth(true);
    orders
        .addColumn(o -> o.code() != null ? o.code() : o.codeHint())
        .setHeader("Activation code")
        .setAutoWidth(true);
    orders.addColumn(o -> lines(o.lines())).setHeader("Entitlements (available / bought)");
    orders
        .addColumn(
            o ->
                o.redeemedAt() == null
                    ? "not redeemed"
                    : "redeemed " + DeviceFormat.date(o.redeemedAt()))
        .setHeader("State")
        .setAutoWidth(true);
    orders.addColumn(o -> DeviceFormat.date(o.createdAt())).setHeader("Created").setAutoWidth(true);
    orders.setAllRowsVisible(true);
    orderForm.addSubmitListener(
        e ->
            getUI()
                .ifPresent(
                    ui ->
                        live.load(
                            ui,
                            () -> user.client().createLicenseOrder(e.request()),
                            o -> {
                              newCode.setText(
                                  "Order "
                                      + o.poNumber()
                                      + " created. Activation code: "
                                      + o.code()
                                      + " (also e-mailed to "
                                      + o.installerEmail()
                                      + ").");
                              newCode.setVisible(true);
                              orderForm.clear();
                              live.load(
                                  ui,
                                  () -> user.client().licenseOrders(),
                                  this::showOrders,
                                  Toasts::error);
                            },
                            Toasts::error)));
    newCode.setId("new-code");
    newCode.addClassName("success-text");
    newCode.setVisible(false);
    return section("Orders and activation codes", orderForm, newCode, orders);
  }

  private Div redeemSection() {
    redeemCode.setId("redeem-code");
    redeemCode.setPlaceholder("7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS");
    redeemCode.setWidth("24em");
    Button redeem = new Button("Redeem", e -> redeem());
    redeem.setId("redeem");
    redeem.setEnabled(user.canManage());
    FlexLayout row = new FlexLayout(redeemCode, redeem);
    row.addClassName("filter-bar");
    Paragraph help =
        new Paragraph(
            user.isSupport()
                ? "The code becomes the chosen account's. A code can be redeemed once."
                : "The code becomes your account's. A code can be redeemed once.");
    help.addClassName("note");
    return section("Redeem a code", row, help);
  }

  private Div assignSection() {
    assignCode.setId("assign-code");
    assignCode.setWidth("24em");
    assignSku.setId("assign-sku");
    assignSku.setClearButtonVisible(true);
    deviceSearch.setId("assign-device-search");
    deviceSearch.setPlaceholder("Serial prefix or model");
    deviceSearch.setValueChangeMode(ValueChangeMode.LAZY);
    deviceSearch.addValueChangeListener(e -> deviceData.refreshAll());
    devices.setId("assign-devices");
    devices.setSelectionMode(Grid.SelectionMode.MULTI);
    devices.addThemeVariants(GridVariant.LUMO_COMPACT);
    devices.setPageSize(PAGE);
    devices.addColumn(DeviceSummary::serial).setHeader("Serial").setAutoWidth(true);
    devices.addColumn(DeviceSummary::model).setHeader("Model").setAutoWidth(true);
    devices.addColumn(d -> DeviceFormat.label(d.health())).setHeader("Health");
    devices.setHeight("16rem");
    deviceData =
        new CallbackDataProvider<>(
            q -> fetchDevices(q.getOffset(), q.getLimit()),
            q -> countDevices(),
            DeviceSummary::serial);
    devices.setItems(deviceData);

    Button previewButton = new Button("Preview dates", e -> assign(true));
    previewButton.setId("assign-preview");
    Button assignButton = new Button("Assign", e -> assign(false));
    assignButton.setId("assign-apply");
    assignButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    assignButton.setEnabled(user.canManage());
    if (!user.canManage())
      assignButton.setTooltipText("Operators and viewers may preview but not assign.");

    preview.setId("assign-preview-grid");
    preview.addThemeVariants(GridVariant.LUMO_COMPACT);
    preview.addColumn(AssignmentResult.DeviceResult::serial).setHeader("Device").setAutoWidth(true);
    preview
        .addColumn(
            r -> r.plan() == null || r.plan().current() == null ? "—" : r.plan().current().plan())
        .setHeader("Plan now")
        .setAutoWidth(true);
    preview
        .addColumn(r -> r.plan() == null ? "—" : DeviceFormat.date(r.plan().coveredUntil()))
        .setHeader("Covered until")
        .setAutoWidth(true);
    preview
        .addColumn(r -> r.plan() == null ? "—" : DeviceFormat.date(r.plan().warrantyEnds()))
        .setHeader("Warranty until")
        .setAutoWidth(true);
    preview.setAllRowsVisible(true);
    previewNote.setId("assign-result");
    FlexLayout row = new FlexLayout(assignCode, assignSku, deviceSearch);
    row.addClassName("filter-bar");
    FlexLayout buttons = new FlexLayout(previewButton, assignButton);
    buttons.addClassName("filter-bar");
    return section("Assign entitlements to devices", row, devices, buttons, previewNote, preview);
  }

  private Div entitlementsSection() {
    entitlements.setId("entitlement-grid");
    entitlements.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    entitlements.addColumn(EntitlementView::sku).setHeader("SKU").setAutoWidth(true);
    entitlements.addColumn(EntitlementView::quantity).setHeader("Bought");
    entitlements.addColumn(EntitlementView::bonus).setHeader("Bonus");
    entitlements.addColumn(EntitlementView::used).setHeader("Used");
    entitlements.addColumn(EntitlementView::pending).setHeader("Pending");
    entitlements.addColumn(EntitlementView::available).setHeader("Available");
    entitlements.setAllRowsVisible(true);
    noEntitlements.addClassName("empty-state");
    return section("Available entitlements", entitlements, noEntitlements);
  }

  private void showOrders(List<LicenseOrderView> list) {
    orders.setItems(list);
  }

  private void loadEntitlements() {
    String id = accountId();
    if (id == null) {
      entitlements.setItems(List.of());
      noEntitlements.setText("Choose an account to see its entitlements.");
      return;
    }
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().entitlements(id),
                    list -> {
                      entitlements.setItems(list);
                      entitlements.setVisible(!list.isEmpty());
                      noEntitlements.setText("No entitlements yet: redeem an activation code.");
                      noEntitlements.setVisible(list.isEmpty());
                    },
                    Toasts::error));
  }

  private void redeem() {
    String code = redeemCode.getValue().trim();
    if (code.isEmpty()) {
      redeemCode.setInvalid(true);
      redeemCode.setErrorMessage("Enter the activation code");
      return;
    }
    if (user.isSupport() && accountId() == null) {
      Toasts.error("Choose the account that redeems the code.");
      return;
    }
    redeemCode.setInvalid(false);
    String forAccount = user.isSupport() ? accountId() : null;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().redeem(code, forAccount),
                    o -> {
                      Toasts.success(
                          "Code redeemed: order " + o.poNumber() + " is now the account's.");
                      redeemCode.clear();
                      assignCode.setValue(code);
                      loadEntitlements();
                    },
                    Toasts::error));
  }

  private void assign(boolean previewOnly) {
    List<String> serials =
        devices.getSelectedItems().stream().map(DeviceSummary::serial).sorted().toList();
    String code = assignCode.getValue().trim();
    if (code.isEmpty() || serials.isEmpty()) {
      Toasts.error("Enter the activation code and select at least one device.");
      return;
    }
    List<String> skus = assignSku.getValue() == null ? null : List.of(assignSku.getValue());
    AssignmentRequest req =
        new AssignmentRequest(
            code, serials, skus, previewOnly, user.isSupport() ? accountId() : null);
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().assign(req),
                    r -> {
                      preview.setItems(r.devices());
                      previewNote.setText(
                          r.preview()
                              ? "Preview: nothing is applied yet. These would be the dates after assigning."
                              : "Assigned to " + r.devices().size() + " device(s).");
                      if (!r.preview()) {
                        Toasts.success(
                            "Entitlements assigned to " + r.devices().size() + " device(s).");
                        loadEntitlements();
                      }
                    },
                    Toasts::error));
  }

  private Stream<DeviceSummary> fetchDevices(int offset, int limit) {
    String id = accountId();
    if (id == null) return Stream.empty();
    try {
      List<DeviceSummary> out = new ArrayList<>();
      for (int p = offset / PAGE; out.size() < limit; p++) {
        var page =
            user.client()
                .devices(
                    new DeviceQuery(
                        null, deviceSearch.getValue().toUpperCase(Locale.ROOT), id, p, PAGE));
        int from = p == offset / PAGE ? offset % PAGE : 0;
        for (int i = from; i < page.items().size() && out.size() < limit; i++)
          out.add(page.items().get(i));
        if (page.items().size() < PAGE) break;
      }
      return out.stream();
    } catch (ApiError e) {
      Toasts.error(e);
      return Stream.empty();
    }
  }

  private int countDevices() {
    String id = accountId();
    if (id == null) return 0;
    try {
      return (int)
          user.client()
              .devices(
                  new DeviceQuery(null, deviceSearch.getValue().toUpperCase(Locale.ROOT), id, 0, 1))
              .total();
    } catch (ApiError e) {
      Toasts.error(e);
      return 0;
    }
  }

  private static String lines(List<EntitlementView> lines) {
    if (lines == null) return "";
    return lines.stream()
        .map(l -> l.sku() + " " + l.available() + "/" + (l.quantity() + l.bonus()))
        .collect(Collectors.joining(", "));
  }

  private static Div section(String title, Component... parts) {
    Div d = new Div(new H2(title));
    d.add(parts);
    d.addClassNames("card", "section");
    return d;
  }
}
