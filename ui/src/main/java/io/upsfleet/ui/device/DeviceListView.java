package io.upsfleet.ui.device;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.CallbackDataProvider;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The device list: a lazy grid over the API's pages (50 rows a call; scrolling asks for the next
 * page), filters by status, plan, exact model, firmware state, account (support) and serial prefix
 * or model, columns sorted by the API (serial, model, last change), and a URL that reproduces the
 * view.
 */
@Route(value = "devices", layout = MainLayout.class)
@PageTitle("Devices · upsfleet")
public class DeviceListView extends VerticalLayout implements BeforeEnterObserver {
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final DevicePages pages =
      new DevicePages(q -> user.client().devices(q), DeviceFilter.NONE);
  private final Grid<DeviceSummary> grid = new Grid<>();
  private final CallbackDataProvider<DeviceSummary, Void> data;
  private final TextField search = new TextField();
  private final ComboBox<String> status = new ComboBox<>("Status");
  private final ComboBox<AccountView> account = new ComboBox<>("Account");
  private final ComboBox<String> plan = new ComboBox<>("Plan");
  private final TextField model = new TextField("Model");
  private final ComboBox<Boolean> firmware = new ComboBox<>("Firmware");
  private final Map<String, Grid.Column<DeviceSummary>> sortable = new HashMap<>();
  private final Span count = new Span();
  private final Paragraph empty = new Paragraph("No device matches these filters.");
  private final Map<String, String> accountNames = new ConcurrentHashMap<>();
  private boolean applying;

  public DeviceListView(LiveUpdates live) {
    this.live = live;
    addClassName("device-list-view");
    setSizeFull();

    search.setId("device-search");
    search.setLabel("Serial or model");
    search.setPlaceholder("e.g. AS1036 or SMT1500");
    search.setPrefixComponent(VaadinIcon.SEARCH.create());
    search.setClearButtonVisible(true);
    search.setValueChangeMode(ValueChangeMode.LAZY);
    search.setValueChangeTimeout(350);
    search.addValueChangeListener(
        e -> {
          if (!applying) apply(pages.filter().withSearch(e.getValue()));
        });

    status.setId("status-filter");
    status.setItems(DeviceFilter.STATUSES);
    status.setItemLabelGenerator(DeviceFormat::label);
    status.setClearButtonVisible(true);
    status.setPlaceholder("Any");
    status.addValueChangeListener(
        e -> {
          if (!applying) apply(pages.filter().withStatus(e.getValue()));
        });

    account.setId("account-filter");
    account.setItemLabelGenerator(AccountView::name);
    account.setClearButtonVisible(true);
    account.setPlaceholder("All accounts");
    account.setVisible(user.isSupport());
    account.addValueChangeListener(
        e -> {
          if (!applying)
            apply(pages.filter().withAccount(e.getValue() == null ? null : e.getValue().id()));
        });

    plan.setId("plan-filter");
    plan.setItems(DeviceFilter.PLANS);
    plan.setItemLabelGenerator(DeviceFormat::plan);
    plan.setClearButtonVisible(true);
    plan.setPlaceholder("Any");
    plan.addValueChangeListener(
        e -> {
          if (!applying) apply(pages.filter().withPlan(e.getValue()));
        });

    model.setId("model-filter");
    model.setPlaceholder("exact, e.g. SMT1500C");
    model.setClearButtonVisible(true);
    model.setValueChangeMode(ValueChangeMode.LAZY);
    model.setValueChangeTimeout(350);
    model.addValueChangeListener(
        e -> {
          if (!applying) apply(pages.filter().withModel(e.getValue()));
        });

    firmware.setId("firmware-filter");
    firmware.setItems(Boolean.TRUE, Boolean.FALSE);
    firmware.setItemLabelGenerator(b -> b ? "Update available" : "Up to date");
    firmware.setClearButtonVisible(true);
    firmware.setPlaceholder("Any");
    firmware.addValueChangeListener(
        e -> {
          if (!applying) apply(pages.filter().withFirmwareOutdated(e.getValue()));
        });

    count.setId("device-count");
    count.addClassName("result-count");
    FlexLayout filters = new FlexLayout(search, status, plan, model, firmware, account, count);
    filters.addClassName("filter-bar");

    grid.setId("device-grid");
    grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
    grid.setPageSize(DevicePages.PAGE_SIZE);
    grid.setMultiSort(false);
    sortable.put(
        "serial",
        grid.addColumn(
                LitRenderer.<DeviceSummary>of(
                        "<a router-link href=\"devices/${item.serial}\">${item.serial}</a>")
                    .withProperty("serial", DeviceSummary::serial))
            .setHeader("Serial")
            .setAutoWidth(true)
            .setFlexGrow(0)
            .setFrozen(true)
            .setKey("serial")
            .setSortProperty("serial"));
    sortable.put(
        "model",
        grid.addColumn(DeviceSummary::model)
            .setHeader("Model")
            .setAutoWidth(true)
            .setKey("model")
            .setSortProperty("model"));
    grid.addColumn(d -> d.plan() == null ? "—" : DeviceFormat.plan(d.plan()))
        .setHeader("Plan")
        .setAutoWidth(true);
    if (user.isSupport()) {
      grid.addColumn(d -> accountNames.getOrDefault(d.accountId(), shortId(d.accountId())))
          .setHeader("Account")
          .setAutoWidth(true);
    }
    grid.addColumn(new ComponentRenderer<>(d -> DeviceFormat.badge(d.health())))
        .setHeader("Health")
        .setAutoWidth(true);
    grid.addColumn(d -> d.status() == null ? "" : String.join(" ", d.status()))
        .setHeader("Status flags")
        .setAutoWidth(true);
    grid.addColumn(
            d ->
                d.firmware() == null
                    ? "—"
                    : d.firmwareAvailable() == null
                        ? d.firmware()
                        : d.firmware() + " (update: " + d.firmwareAvailable() + ")")
        .setHeader("Firmware")
        .setAutoWidth(true);
    sortable.put(
        "updatedAt",
        grid.addColumn(d -> DeviceFormat.ago(d.updatedAt(), Instant.now()))
            .setHeader("Last change")
            .setKey("updatedAt")
            .setSortProperty("updatedAt"));
    grid.addItemClickListener(
        e -> grid.getUI().ifPresent(ui -> ui.navigate("devices/" + e.getItem().serial())));
    data =
        new CallbackDataProvider<>(
            q -> {
              sortBy(q.getSortOrders());
              return fetch(q.getOffset(), q.getLimit());
            },
            q -> {
              sortBy(q.getSortOrders());
              return count();
            });
    grid.setItems(data);
    grid.setSizeFull();
    empty.addClassName("empty-state");
    empty.setVisible(false);

    add(filters, new ReportDownloads(user, pages::filter), grid, empty);
    setFlexGrow(1, grid);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    DeviceFilter f = DeviceFilter.fromUrl(event.getLocation().getQueryParameters());
    applying = true;
    try {
      search.setValue(f.search() == null ? "" : f.search());
      status.setValue(f.status());
      plan.setValue(f.plan());
      model.setValue(f.model() == null ? "" : f.model());
      firmware.setValue(f.firmwareOutdated());
    } finally {
      applying = false;
    }
    pages.setFilter(f);
    showSort(f.sort());
    data.refreshAll();
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (!user.isSupport()) return;
    live.load(
        e.getUI(), () -> user.client().accounts(0, 500).items(), this::showAccounts, Toasts::error);
  }

  private void showAccounts(List<AccountView> accounts) {
    accounts.forEach(a -> accountNames.put(a.id(), a.name()));
    applying = true;
    try {
      account.setItems(accounts);
      String wanted = pages.filter().accountId();
      account.setValue(
          accounts.stream().filter(a -> a.id().equals(wanted)).findFirst().orElse(null));
    } finally {
      applying = false;
    }
    grid.getDataProvider().refreshAll();
  }

  private void apply(DeviceFilter f) {
    pages.setFilter(f);
    data.refreshAll();
    getUI()
        .ifPresent(
            ui ->
                ui.getPage()
                    .getHistory()
                    .replaceState(
                        null,
                        f.queryString().isEmpty() ? "devices" : "devices?" + f.queryString()));
  }

  /**
   * Follows the grid's sort indicator (one column at a time); no indicator is the API's default,
   * serial.
   */
  private void sortBy(List<QuerySortOrder> orders) {
    String sort =
        orders.isEmpty()
            ? null
            : (orders.get(0).getDirection() == SortDirection.DESCENDING ? "-" : "")
                + orders.get(0).getSorted();
    String current = pages.filter().sort();
    if (Objects.equals(current, new DeviceFilter(null, null, null, null, null, null, sort).sort()))
      return;
    pages.setSort(sort);
    DeviceFilter f = pages.filter();
    getUI()
        .ifPresent(
            ui ->
                ui.getPage()
                    .getHistory()
                    .replaceState(
                        null,
                        f.queryString().isEmpty() ? "devices" : "devices?" + f.queryString()));
  }

  /** Shows the URL's order on its column, without a round trip through the data provider. */
  private void showSort(String sort) {
    if (sort == null) {
      grid.sort(List.of());
      return;
    }
    boolean descending = sort.startsWith("-");
    Grid.Column<DeviceSummary> column = sortable.get(descending ? sort.substring(1) : sort);
    if (column != null) {
      grid.sort(
          List.of(
              new GridSortOrder<>(
                  column, descending ? SortDirection.DESCENDING : SortDirection.ASCENDING)));
    }
  }

  private Stream<DeviceSummary> fetch(int offset, int limit) {
    try {
      return pages.window(offset, limit).stream();
    } catch (ApiError e) {
      Toasts.error(e);
      return Stream.empty();
    }
  }

  private int count() {
    try {
      int n = pages.count();
      count.setText(n == 1 ? "1 device" : n + " devices");
      empty.setVisible(n == 0);
      return n;
    } catch (ApiError e) {
      Toasts.error(e);
      count.setText("");
      return 0;
    }
  }

  private static String shortId(String id) {
    return id == null ? "" : id.substring(0, Math.min(8, id.length()));
  }
}
