package io.upsfleet.ui.overview;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.ui.device.DeviceFilter;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.time.Duration;
import java.time.Instant;

/**
 * The fleet at a glance: counts by health, by plan and of outdated firmware (each a link to the
 * filtered list) and who needs attention first.
 */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Overview · upsfleet")
public class OverviewView extends VerticalLayout {
  private static final Duration REFRESH = Duration.ofSeconds(15);
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Div cards = new Div();
  private final Div planCards = new Div();
  private final ProgressBar loading = new ProgressBar();
  private final Grid<FleetOverview.Attention> attention = new Grid<>();
  private final Paragraph empty = new Paragraph("No device needs attention right now.");
  private Registration poll;

  public OverviewView(LiveUpdates live) {
    this.live = live;
    addClassName("overview-view");
    cards.addClassName("stat-cards");
    cards.setId("status-cards");
    planCards.addClassName("stat-cards");
    planCards.setId("plan-cards");
    loading.setIndeterminate(true);

    attention.setId("attention-grid");
    attention.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
    attention
        .addColumn(
            LitRenderer.<FleetOverview.Attention>of(
                    "<a router-link href=\"devices/${item.serial}\">${item.serial}</a>")
                .withProperty("serial", a -> a.device().serial()))
        .setHeader("Serial")
        .setAutoWidth(true)
        .setFlexGrow(0);
    attention
        .addColumn(new ComponentRenderer<>(a -> DeviceFormat.badge(a.problem())))
        .setHeader("Problem")
        .setAutoWidth(true);
    attention.addColumn(a -> a.device().model()).setHeader("Model").setAutoWidth(true);
    attention
        .addColumn(a -> DeviceFormat.ago(a.device().updatedAt(), Instant.now()))
        .setHeader("Last change");
    attention.setAllRowsVisible(true);
    empty.addClassName("empty-state");
    empty.setVisible(false);

    Paragraph note =
        new Paragraph(
            "Each device counts once, under its most urgent health; a status link may "
                + "list more devices (a device on low battery is also on battery).");
    note.addClassName("note");
    add(
        loading,
        new H2("Devices by health"),
        cards,
        new H2("Plans and firmware"),
        planCards,
        new H2("Needs attention first"),
        attention,
        empty,
        note);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    poll =
        live.every(
            e.getUI(),
            REFRESH,
            () -> FleetOverview.load(user.client(), null),
            this::show,
            err -> {
              loading.setVisible(false);
              Toasts.error(err);
            });
  }

  @Override
  protected void onDetach(DetachEvent e) {
    if (poll != null) poll.remove();
  }

  private void show(FleetOverview.Snapshot s) {
    loading.setVisible(false);
    cards.removeAll();
    cards.add(card("All devices", s.total(), "devices", "neutral", "count-ALL"));
    s.byHealth()
        .forEach(
            (health, n) ->
                cards.add(
                    card(
                        DeviceFormat.label(health),
                        n,
                        healthLink(health),
                        n > 0 ? DeviceFormat.tone(health) : "neutral",
                        "count-" + health)));
    planCards.removeAll();
    s.byPlan()
        .forEach(
            (plan, n) ->
                planCards.add(
                    card(
                        DeviceFormat.plan(plan) + " plan",
                        n,
                        "devices?plan=" + plan,
                        "neutral",
                        "plan-" + plan)));
    planCards.add(
        card(
            "Firmware outdated",
            s.firmwareOutdated(),
            "devices?firmware=outdated",
            s.firmwareOutdated() > 0 ? "warning" : "neutral",
            "count-FIRMWARE_OUTDATED"));
    attention.setItems(s.attention());
    attention.setVisible(!s.attention().isEmpty());
    empty.setVisible(s.attention().isEmpty());
  }

  /**
   * The list behind a health count: its status filter, or the whole list for OK (no such filter).
   */
  private static String healthLink(String health) {
    return DeviceFilter.STATUSES.contains(health) ? "devices?status=" + health : "devices";
  }

  private static Anchor card(String label, long count, String href, String tone, String id) {
    Span n = new Span(Long.toString(count));
    n.addClassName("stat-value");
    Span l = new Span(label);
    l.addClassName("stat-label");
    Anchor a = new Anchor(href, n, l);
    a.setId(id);
    a.getElement().setAttribute("router-link", true);
    a.addClassNames("stat-card", "tone-" + tone);
    return a;
  }
}
