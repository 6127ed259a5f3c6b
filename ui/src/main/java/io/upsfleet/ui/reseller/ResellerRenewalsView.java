package io.upsfleet.ui.reseller;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.ResellerView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.AllowedRoles;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;

/**
 * A reseller's own page: the accounts that consent to share their lifecycle data with it, and per
 * account the MyRenewals report (CSV or XLSX) with what expires and which SKUs renew it. Nothing
 * else of an account is reachable.
 */
@Route(value = "renewals", layout = MainLayout.class)
@PageTitle("Renewals · upsfleet")
@AllowedRoles(SignedInUser.Role.RESELLER)
public class ResellerRenewalsView extends Div {
  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Grid<ResellerView> grid = new Grid<>();
  private final Paragraph empty = new Paragraph("No account shares its renewal data with you now.");

  public ResellerRenewalsView(LiveUpdates live) {
    this.live = live;
    grid.setId("reseller-accounts");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(ResellerView::accountId).setHeader("Account").setAutoWidth(true);
    grid.addColumn(ResellerView::consentedBy).setHeader("Consent by").setAutoWidth(true);
    grid.addColumn(r -> DeviceFormat.time(r.acceptedAt())).setHeader("Accepted").setAutoWidth(true);
    grid.addComponentColumn(
            r -> new HorizontalLayout(link(r, "my-renewals.csv"), link(r, "my-renewals.xlsx")))
        .setHeader("MyRenewals")
        .setAutoWidth(true);
    grid.setAllRowsVisible(true);
    empty.setId("reseller-empty");
    empty.addClassName("empty-state");
    empty.setVisible(false);
    Paragraph note =
        new Paragraph(
            "Lifecycle data only: battery cartridges, warranty and license expiry dates and the"
                + " SKUs that renew them. An account that revokes its consent disappears here at"
                + " once.");
    note.addClassName("note");
    Div section = new Div(new H2("Accounts that share their renewals"), note, empty, grid);
    section.addClassNames("card", "section");
    add(section);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    live.load(
        e.getUI(),
        () -> user.client().resellerAccounts(),
        list -> {
          grid.setItems(list);
          grid.setVisible(!list.isEmpty());
          empty.setVisible(list.isEmpty());
        },
        Toasts::error);
  }

  private Anchor link(ResellerView r, String file) {
    Anchor a =
        new Anchor(
            DownloadHandler.fromInputStream(e -> download(r.accountId(), file)),
            AttachmentType.DOWNLOAD,
            file.endsWith(".csv") ? "CSV" : "XLSX");
    a.setId("renewals-" + r.accountId() + "-" + (file.endsWith(".csv") ? "csv" : "xlsx"));
    return a;
  }

  private DownloadResponse download(String accountId, String file) {
    try {
      return new DownloadResponse(
          user.client().resellerReport(accountId, file),
          file,
          file.endsWith(".csv")
              ? "text/csv; charset=UTF-8"
              : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          -1);
    } catch (ApiError e) {
      return DownloadResponse.error(e.status() == 404 ? 404 : 502, e.userMessage());
    }
  }
}
