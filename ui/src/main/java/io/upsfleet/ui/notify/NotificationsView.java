package io.upsfleet.ui.notify;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeliveryView;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.IncidentView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.PolicyView;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One account's notifications: sites, destinations (with "send test" and its outcome), policies,
 * site outage incidents and the delivery log. Viewers read; admins and support also create.
 */
@Route(value = "notifications", layout = MainLayout.class)
@PageTitle("Notifications · upsfleet")
public class NotificationsView extends VerticalLayout {
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final ComboBox<AccountView> account = new ComboBox<>("Account");
  private final Grid<SiteView> sites = new Grid<>();
  private final Grid<DestinationView> destinations = new Grid<>();
  private final Grid<PolicyView> policies = new Grid<>();
  private final Grid<IncidentView> incidents = new Grid<>();
  private final Grid<DeliveryView> deliveries = new Grid<>();
  private final Paragraph secret = new Paragraph();
  private final Paragraph testOutcome = new Paragraph();
  private final MultiSelectComboBox<DestinationView> policyDestinations =
      new MultiSelectComboBox<>("Destinations");
  private final MultiSelectComboBox<SiteView> policySites =
      new MultiSelectComboBox<>("Sites (none: all)");
  private final MultiSelectComboBox<String> policyDevices =
      new MultiSelectComboBox<>("Devices (none: all)");

  private final TextField policyName = new TextField("Name");
  private final ComboBox<String> policySeverity =
      new ComboBox<>("At least", "INFO", "WARNING", "CRITICAL");
  private final Button policySave = new Button("Add policy");
  private final Button policyCancel = new Button("Cancel");

  /** The policy the form changes, or null when it adds a new one. */
  private PolicyView editing;

  /** Site names by id, for the policy list. */
  private Map<String, String> siteNames = Map.of();

  public NotificationsView(LiveUpdates live) {
    this.live = live;
    addClassName("notifications-view");
    if (user.isSupport()) {
      account.setId("notify-account");
      account.setItemLabelGenerator(AccountView::name);
      account.addValueChangeListener(e -> reload());
      add(account);
    }
    add(sitesSection(), destinationsSection(), policiesSection(), incidentsSection(), logSection());
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (user.isSupport()) {
      live.load(
          e.getUI(),
          () -> user.client().accounts(0, 500).items(),
          account::setItems,
          Toasts::error);
    } else {
      reload();
    }
  }

  private String accountId() {
    if (!user.isSupport()) return user.accountId();
    return account.getValue() == null ? null : account.getValue().id();
  }

  /** Sites, destinations and policies are changed by support and account admins only. */
  private boolean canChange() {
    return user.canManage();
  }

  private void reload() {
    String id = accountId();
    if (id == null) return;
    call(
        () -> user.client().sites(id),
        list -> {
          sites.setItems(list);
          policySites.setItems(list);
          Map<String, String> names = new HashMap<>();
          list.forEach(x -> names.put(x.id(), x.name()));
          siteNames = names;
          policies.getDataProvider().refreshAll();
        });
    call(
        () ->
            user.client().devices(new DeviceQuery(null, null, id, 0, 500)).items().stream()
                .map(DeviceSummary::serial)
                .toList(),
        policyDevices::setItems);
    call(
        () -> user.client().destinations(id),
        list -> {
          destinations.setItems(list);
          policyDestinations.setItems(list);
        });
    call(() -> user.client().policies(id), policies::setItems);
    call(() -> user.client().incidents(id), incidents::setItems);
    call(() -> user.client().deliveries(id), deliveries::setItems);
  }

  private <T> void call(Supplier<T> work, Consumer<T> then) {
    UI ui = UI.getCurrent();
    if (ui != null) live.load(ui, work, then, Toasts::error);
  }

  private Div sitesSection() {
    sites.setId("site-grid");
    sites.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    sites.addColumn(SiteView::name).setHeader("Site").setAutoWidth(true);
    sites.addColumn(SiteView::address).setHeader("Address");
    sites.addColumn(SiteView::timeZone).setHeader("Time zone").setAutoWidth(true);
    sites.addColumn(SiteView::devices).setHeader("Devices").setAutoWidth(true);
    sites.setAllRowsVisible(true);
    TextField name = new TextField("Name");
    name.setId("site-name");
    TextField address = new TextField("Address (optional)");
    TextField zone = new TextField("Time zone (optional)");
    zone.setPlaceholder("Europe/Paris");
    Button add =
        new Button(
            "Add site",
            e -> {
              String id = accountId();
              SiteRequest req =
                  new SiteRequest(
                      name.getValue(), blank(address.getValue()), blank(zone.getValue()));
              call(
                  () -> user.client().createSite(id, req),
                  s -> {
                    Toasts.success("Site " + s.name() + " added.");
                    name.clear();
                    address.clear();
                    zone.clear();
                    reload();
                  });
            });
    add.setId("site-add");
    return section("Sites", form(name, address, zone, add), sites);
  }

  private Div destinationsSection() {
    destinations.setId("destination-grid");
    destinations.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    destinations.addColumn(DestinationView::name).setHeader("Name").setAutoWidth(true);
    destinations.addColumn(DestinationView::type).setHeader("Type").setAutoWidth(true);
    destinations
        .addColumn(d -> d.email() != null ? d.email() : d.url())
        .setHeader("Address or URL");
    if (canChange()) {
      destinations
          .addComponentColumn(
              d -> {
                Button test = new Button("Send test", e -> sendTest(d));
                test.setId("test-" + d.name());
                test.addThemeVariants(ButtonVariant.LUMO_SMALL);
                Button delete =
                    new Button(
                        "Delete",
                        e ->
                            confirmDelete(
                                "destination " + d.name(),
                                () -> user.client().deleteDestination(accountId(), d.id())));
                delete.setId("delete-destination-" + d.name());
                delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
                return new HorizontalLayout(test, delete);
              })
          .setAutoWidth(true);
    }
    destinations.setAllRowsVisible(true);
    ComboBox<String> type = new ComboBox<>("Type", "WEBHOOK", "SLACK", "TEAMS", "EMAIL");
    type.setId("destination-type");
    type.setValue("WEBHOOK");
    TextField name = new TextField("Name");
    name.setId("destination-name");
    TextField target = new TextField("URL or e-mail address");
    target.setId("destination-target");
    Button add =
        new Button(
            "Add destination",
            e -> {
              String id = accountId();
              boolean email = "EMAIL".equals(type.getValue());
              DestinationRequest req =
                  new DestinationRequest(
                      type.getValue(),
                      name.getValue(),
                      email ? null : target.getValue(),
                      email ? target.getValue() : null);
              call(
                  () -> user.client().createDestination(id, req),
                  d -> {
                    Toasts.success("Destination " + d.name() + " added.");
                    secret.setText(
                        d.secret() == null
                            ? ""
                            : "Signing secret of " + d.name() + " (shown only now): " + d.secret());
                    name.clear();
                    target.clear();
                    reload();
                  });
            });
    add.setId("destination-add");
    secret.setId("destination-secret");
    testOutcome.setId("test-outcome");
    return section(
        "Destinations", form(type, name, target, add), secret, testOutcome, destinations);
  }

  private void sendTest(DestinationView d) {
    String id = accountId();
    call(
        () -> user.client().testDestination(id, d.id()),
        r -> {
          testOutcome.setText(
              r.delivered()
                  ? "Test message delivered to " + d.name() + "."
                  : "Test message to " + d.name() + " failed: " + r.error());
          reload();
        });
  }

  private Div policiesSection() {
    policies.setId("policy-grid");
    policies.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    policies.addColumn(PolicyView::name).setHeader("Policy").setAutoWidth(true);
    policies
        .addColumn(
            p ->
                p.eventTypes().isEmpty()
                    ? "At least " + (p.minSeverity() == null ? "WARNING" : p.minSeverity())
                    : String.join(", ", p.eventTypes()))
        .setHeader("Events");
    policies
        .addColumn(p -> p.siteIds().isEmpty() && p.serials().isEmpty() ? "All devices" : scope(p))
        .setHeader("Devices")
        .setId("policy-scope");
    policies.addColumn(p -> p.destinationIds().size()).setHeader("Destinations");
    if (canChange()) {
      policies
          .addComponentColumn(
              p -> {
                Button delete =
                    new Button(
                        "Delete",
                        e ->
                            confirmDelete(
                                "policy " + p.name(),
                                () -> user.client().deletePolicy(accountId(), p.id())));
                delete.setId("delete-policy-" + p.name());
                delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
                Button edit = new Button("Edit", e -> editPolicy(p));
                edit.setId("edit-policy-" + p.name());
                edit.addThemeVariants(ButtonVariant.LUMO_SMALL);
                return new HorizontalLayout(edit, delete);
              })
          .setAutoWidth(true);
    }
    policies.setAllRowsVisible(true);
    policyName.setId("policy-name");
    policySeverity.setValue("WARNING");
    policyDestinations.setItemLabelGenerator(DestinationView::name);
    policyDestinations.setId("policy-destinations");
    Button add = policySave;
    add.addClickListener(e -> savePolicy());
    policyCancel.setId("policy-cancel-edit");
    policyCancel.setVisible(false);
    policyCancel.addClickListener(e -> editPolicy(null));
    add.setId("policy-add");
    policySites.setId("policy-sites");
    policySites.setItemLabelGenerator(SiteView::name);
    policyDevices.setId("policy-devices");
    policySites.setClearButtonVisible(true);
    policyDevices.setClearButtonVisible(true);
    return section(
        "Policies",
        form(
            policyName,
            policySeverity,
            policySites,
            policyDevices,
            policyDestinations,
            add,
            policyCancel),
        policies);
  }

  /**
   * Fills the policy form with {@code p} to change it (null: back to adding a new one). Event types
   * chosen through the API are kept as they are.
   */
  private void editPolicy(PolicyView p) {
    editing = p;
    policySave.setText(p == null ? "Add policy" : "Save " + p.name());
    policyCancel.setVisible(p != null);
    if (p == null) {
      policyName.clear();
      policySites.clear();
      policyDevices.clear();
      policyDestinations.clear();
      return;
    }
    policyName.setValue(p.name());
    policySeverity.setValue(p.minSeverity() == null ? "WARNING" : p.minSeverity());
    policySites.setValue(
        policySites
            .getListDataView()
            .getItems()
            .filter(x -> p.siteIds().contains(x.id()))
            .toList());
    policyDevices.setValue(
        policyDevices.getListDataView().getItems().filter(p.serials()::contains).toList());
    policyDestinations.setValue(
        policyDestinations
            .getListDataView()
            .getItems()
            .filter(d -> p.destinationIds().contains(d.id()))
            .toList());
  }

  /** Adds the policy of the form, or saves the one being changed ({@code PUT}). */
  private void savePolicy() {
    String id = accountId();
    PolicyView was = editing;
    boolean typed = was != null && !was.eventTypes().isEmpty();
    PolicyRequest req =
        new PolicyRequest(
            policyName.getValue(),
            typed ? null : policySeverity.getValue(),
            typed ? was.eventTypes() : null,
            policySites.getValue().stream().map(SiteView::id).toList(),
            List.copyOf(policyDevices.getValue()),
            policyDestinations.getValue().stream().map(DestinationView::id).toList(),
            was != null && was.includeMaintenance());
    call(
        () ->
            was == null
                ? user.client().createPolicy(id, req)
                : user.client().updatePolicy(id, was.id(), req),
        p -> {
          Toasts.success("Policy " + p.name() + (was == null ? " added." : " saved."));
          editPolicy(null);
          reload();
        });
  }

  /** The sites (by name) and devices a policy is limited to. */
  private String scope(PolicyView p) {
    List<String> parts = new ArrayList<>();
    if (!p.siteIds().isEmpty()) {
      parts.add(
          "Sites: "
              + String.join(
                  ", ", p.siteIds().stream().map(id -> siteNames.getOrDefault(id, id)).toList()));
    }
    if (!p.serials().isEmpty()) parts.add("Devices: " + String.join(", ", p.serials()));
    return String.join(" · ", parts);
  }

  /** Asks first, then deletes and reloads; a refusal shows the gateway's reason. */
  private void confirmDelete(String what, Runnable delete) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Delete " + what + "?");
    Button cancel = new Button("Cancel", e -> dialog.close());
    Button ok =
        new Button(
            "Delete",
            e -> {
              dialog.close();
              call(
                  () -> {
                    delete.run();
                    return what;
                  },
                  w -> {
                    Toasts.success(
                        Character.toUpperCase(w.charAt(0)) + w.substring(1) + " deleted.");
                    reload();
                  });
            });
    ok.setId("delete-confirm");
    ok.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
    dialog.getFooter().add(cancel, ok);
    dialog.open();
  }

  private Div incidentsSection() {
    incidents.setId("incident-grid");
    incidents.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    incidents.addColumn(IncidentView::siteName).setHeader("Site").setAutoWidth(true);
    incidents.addColumn(i -> DeviceFormat.time(i.startedAt())).setHeader("Started");
    incidents
        .addColumn(i -> i.endedAt() == null ? "ongoing" : DeviceFormat.time(i.endedAt()))
        .setHeader("Ended");
    incidents
        .addColumn(i -> i.onBattery() + " now, at most " + i.peak() + " of " + i.devicesTotal())
        .setHeader("On battery");
    incidents.setAllRowsVisible(true);
    return section("Site outages", null, incidents);
  }

  private Div logSection() {
    deliveries.setId("delivery-grid");
    deliveries.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    deliveries
        .addColumn(d -> DeviceFormat.time(d.createdAt()))
        .setHeader("Queued")
        .setAutoWidth(true);
    deliveries.addColumn(DeliveryView::title).setHeader("Message");
    deliveries.addColumn(DeliveryView::destinationName).setHeader("Destination").setAutoWidth(true);
    deliveries.addColumn(DeliveryView::status).setHeader("Status").setAutoWidth(true);
    deliveries.addColumn(DeliveryView::attempts).setHeader("Attempts").setAutoWidth(true);
    deliveries.addColumn(DeliveryView::lastError).setHeader("Last error");
    deliveries.setHeight("24rem");
    Button refresh = new Button("Refresh", e -> reload());
    refresh.setId("delivery-refresh");
    return section("Delivery log", new FlexLayout(refresh), deliveries);
  }

  private Div section(String title, FlexLayout form, Component... rest) {
    Div d = new Div(new H2(title));
    if (form != null && (canChange() || title.equals("Delivery log"))) d.add(form);
    d.add(rest);
    d.addClassNames("card", "section");
    return d;
  }

  private static FlexLayout form(Component... fields) {
    FlexLayout row = new FlexLayout(fields);
    row.addClassName("filter-bar");
    return row;
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
