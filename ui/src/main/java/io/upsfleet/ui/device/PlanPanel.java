package io.upsfleet.ui.device;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import io.upsfleet.api.rest.DevicePlanView;
import java.time.Instant;
import java.util.List;

/** The device's plan timeline (every term, past and future) and its warranty. */
final class PlanPanel extends Div {
  private final Div facts = new Div();
  private final Grid<DevicePlanView.Term> terms = new Grid<>();

  PlanPanel() {
    addClassNames("card", "plan-panel");
    setId("plan-panel");
    facts.addClassName("facts");
    terms.addThemeVariants(GridVariant.LUMO_COMPACT);
    terms.addColumn(t -> DeviceFormat.plan(t.plan())).setHeader("Plan").setAutoWidth(true);
    terms.addColumn(t -> DeviceFormat.date(t.start())).setHeader("From").setAutoWidth(true);
    terms.addColumn(t -> DeviceFormat.date(t.end())).setHeader("Until").setAutoWidth(true);
    terms.addColumn(t -> t.source() + (t.sku() == null ? "" : " · " + t.sku())).setHeader("Source");
    terms.addColumn(t -> state(t, Instant.now())).setHeader("").setAutoWidth(true);
    terms.setAllRowsVisible(true);
    add(new H3("Plan and warranty"), facts, terms);
  }

  void show(DevicePlanView p) {
    facts.removeAll();
    String plan = p.current() == null ? "—" : DeviceFormat.plan(p.current().plan());
    facts.add(
        fact(
            "Plan now",
            plan
                + (p.current() != null && p.current().endsAt() != null
                    ? " until " + DeviceFormat.date(p.current().endsAt())
                    : ""),
            "plan-current"));
    facts.add(fact("Paid coverage until", DeviceFormat.date(p.coveredUntil()), "plan-covered"));
    facts.add(fact("Warranty (electronics)", DeviceFormat.date(p.warrantyEnds()), "warranty-ends"));
    facts.add(
        fact(
            "Warranty (battery)",
            DeviceFormat.date(p.batteryWarrantyEnds()),
            "battery-warranty-ends"));
    terms.setItems(p.terms() == null ? List.of() : p.terms());
  }

  void showError(String message) {
    facts.removeAll();
    facts.add(new Paragraph(message));
  }

  static Div fact(String label, String value, String id) {
    Div d = new Div();
    d.addClassName("fact");
    Div l = new Div(label);
    l.addClassName("fact-label");
    Div v = new Div(value);
    v.addClassName("fact-value");
    v.setId(id);
    d.add(l, v);
    return d;
  }

  private static String state(DevicePlanView.Term t, Instant now) {
    if (t.end() != null && t.end().isBefore(now)) return "ended";
    if (t.start() != null && t.start().isAfter(now)) return "queued";
    return "running";
  }
}
