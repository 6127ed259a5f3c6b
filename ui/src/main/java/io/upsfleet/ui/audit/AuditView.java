package io.upsfleet.ui.audit;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.AllowedRoles;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.Map;

/** The newest records of the audit trail, newest first. */
@Route(value = "audit", layout = MainLayout.class)
@PageTitle("Audit trail · upsfleet")
@AllowedRoles({SignedInUser.Role.SUPPORT, SignedInUser.Role.ACCOUNT_ADMIN})
public class AuditView extends VerticalLayout {
  private static final int SHOWN = 200;
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Grid<AuditEntryView> grid = new Grid<>();

  public AuditView(LiveUpdates live) {
    this.live = live;
    grid.setId("audit-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(e -> DeviceFormat.time(e.at())).setHeader("When").setAutoWidth(true);
    grid.addColumn(AuditEntryView::actor).setHeader("Who").setAutoWidth(true);
    grid.addColumn(AuditEntryView::role).setHeader("Role").setAutoWidth(true);
    grid.addColumn(AuditEntryView::source).setHeader("From").setAutoWidth(true);
    grid.addColumn(AuditEntryView::action).setHeader("Action").setAutoWidth(true);
    grid.addColumn(AuditEntryView::target).setHeader("On").setFlexGrow(1);
    grid.addColumn(AuditEntryView::outcome).setHeader("Outcome").setAutoWidth(true);
    grid.setHeight("36rem");
    Div section = new Div(new H2("Audit trail"), grid);
    section.addClassNames("card", "section");
    add(section);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    live.load(
        e.getUI(),
        () -> user.client().audit(Map.of("size", Integer.toString(SHOWN))),
        page -> grid.setItems(page.items()),
        Toasts::error);
  }
}
