package io.upsfleet.ui.device;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The device's event log for a period (the API filters by time), with type and severity filters
 * applied to the newest {@value #MAX_EVENTS} events of that period (the API cannot filter by type
 * yet; the panel says when there were more).
 */
final class EventLogPanel extends Div {
  static final int MAX_EVENTS = 500;
  private static final Map<String, Duration> PERIODS =
      Map.of(
          "Last 24 hours",
          Duration.ofHours(24),
          "Last 7 days",
          Duration.ofDays(7),
          "Last 30 days",
          Duration.ofDays(30));

  private final SignedInUser user;
  private final LiveUpdates live;
  private final String serial;
  private final Select<String> period = new Select<>();
  private final ComboBox<String> type = new ComboBox<>("Type");
  private final ComboBox<String> severity = new ComboBox<>("Severity");
  private final Grid<DeviceEventView> grid = new Grid<>();
  private final Paragraph status = new Paragraph();
  private List<DeviceEventView> loaded = List.of();
  private long total;

  EventLogPanel(SignedInUser user, LiveUpdates live, String serial) {
    this.user = user;
    this.live = live;
    this.serial = serial;
    addClassNames("card", "event-panel");
    setId("event-panel");
    period.setLabel("Period");
    period.setItems("Last 24 hours", "Last 7 days", "Last 30 days");
    period.setValue("Last 30 days");
    period.addValueChangeListener(e -> load());
    type.setId("event-type-filter");
    type.setClearButtonVisible(true);
    type.setPlaceholder("Any");
    type.addValueChangeListener(e -> filter());
    severity.setId("event-severity-filter");
    severity.setClearButtonVisible(true);
    severity.setPlaceholder("Any");
    severity.addValueChangeListener(e -> filter());
    Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> load());
    refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    refresh.setId("event-refresh");
    FlexLayout bar = new FlexLayout(period, type, severity, refresh);
    bar.addClassName("filter-bar");

    grid.setId("event-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(e -> DeviceFormat.time(e.occurredAt()))
        .setHeader("When")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(
            new ComponentRenderer<>(
                e -> {
                  var s = new Span(e.severity());
                  s.addClassNames("badge", "badge-" + severityTone(e.severity()));
                  return s;
                }))
        .setHeader("Severity")
        .setAutoWidth(true)
        .setFlexGrow(0);
    grid.addColumn(DeviceEventView::type).setHeader("Event").setAutoWidth(true);
    grid.addColumn(e -> details(e)).setHeader("Details");
    grid.setHeight("22rem");
    status.addClassName("note");
    add(new H3("Event log"), bar, grid, status);
  }

  void load() {
    Duration d = PERIODS.getOrDefault(period.getValue(), Duration.ofDays(30));
    Instant to = Instant.now().plusSeconds(1);
    status.setText("Loading events…");
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().events(serial, to.minus(d), to, 0, MAX_EVENTS),
                    this::show,
                    e -> {
                      loaded = List.of();
                      grid.setItems(loaded);
                      status.setText(
                          e instanceof ApiError g
                              ? g.userMessage()
                              : "The event log could not be loaded.");
                    }));
  }

  private void show(PageView<DeviceEventView> page) {
    loaded = page.items();
    total = page.total();
    String keepType = type.getValue();
    String keepSeverity = severity.getValue();
    type.setItems(
        List.copyOf(
            loaded.stream()
                .map(DeviceEventView::type)
                .collect(Collectors.toCollection(TreeSet::new))));
    severity.setItems(
        List.copyOf(
            loaded.stream()
                .map(DeviceEventView::severity)
                .filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new))));
    if (keepType != null && loaded.stream().anyMatch(e -> keepType.equals(e.type())))
      type.setValue(keepType);
    if (keepSeverity != null && loaded.stream().anyMatch(e -> keepSeverity.equals(e.severity()))) {
      severity.setValue(keepSeverity);
    }
    filter();
  }

  private void filter() {
    List<DeviceEventView> shown =
        loaded.stream()
            .filter(e -> type.getValue() == null || type.getValue().equals(e.type()))
            .filter(e -> severity.getValue() == null || severity.getValue().equals(e.severity()))
            .toList();
    grid.setItems(shown);
    if (loaded.isEmpty()) status.setText("No events in this period.");
    else if (total > loaded.size()) {
      status.setText(
          "Showing "
              + shown.size()
              + " of the newest "
              + loaded.size()
              + " of "
              + total
              + " events; choose a shorter period to see older ones.");
    } else status.setText(shown.size() + " of " + loaded.size() + " events.");
  }

  private static String details(DeviceEventView e) {
    String d =
        e.details() == null || e.details().isEmpty()
            ? ""
            : e.details().entrySet().stream()
                .map(x -> x.getKey() + "=" + x.getValue())
                .collect(Collectors.joining(", "));
    return e.cause() == null ? d : ("cause " + e.cause() + (d.isEmpty() ? "" : "; " + d));
  }

  private static String severityTone(String s) {
    if (s == null) return "neutral";
    return switch (s) {
      case "CRITICAL", "ERROR" -> "error";
      case "WARNING" -> "warning";
      default -> "neutral";
    };
  }
}
