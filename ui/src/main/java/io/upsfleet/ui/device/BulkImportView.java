package io.upsfleet.ui.device;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.server.streams.UploadHandler;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.BulkRegistrationRequest;
import io.upsfleet.api.rest.BulkRegistrationResult;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.AllowedRoles;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bulk import: upload a CSV ({@code serial, model, site}), see every row checked with its problem,
 * register the valid ones in one request ({@code POST /api/v1/devices/bulk}), see each row's
 * outcome and download the new secrets once as CSV (after the download they are gone from the
 * console).
 */
@Route(value = "devices/import", layout = MainLayout.class)
@PageTitle("Bulk import · upsfleet")
@AllowedRoles({SignedInUser.Role.SUPPORT, SignedInUser.Role.ACCOUNT_ADMIN})
public class BulkImportView extends Div {
  private static final int MAX_BYTES = 1024 * 1024;

  /** A row of the preview and, after the import, its outcome. */
  record Line(BulkCsv.Row row, String outcome) {}

  private final LiveUpdates live;
  private final SignedInUser user = CurrentUser.require();
  private final Select<AccountView> account = new Select<>();
  private final Grid<Line> grid = new Grid<>();
  private final Paragraph summary = new Paragraph();
  private final Button register = new Button("Register valid devices");
  private final Anchor secrets;
  private Map<String, String> sitesByName = Map.of();
  private List<BulkCsv.Row> rows = List.of();

  /** The secrets of the last import until they are downloaded once (UI thread only). */
  private List<DeviceRegistration> unsaved = List.of();

  public BulkImportView(LiveUpdates live) {
    this.live = live;
    addClassName("bulk-import-view");
    account.setId("import-account");
    account.setLabel("Account");
    account.setItemLabelGenerator(AccountView::name);
    account.addValueChangeListener(
        e -> {
          if (e.getValue() != null) loadSites(e.getValue().id());
        });
    Upload upload =
        new Upload(
            UploadHandler.inMemory(
                (meta, data) -> {
                  String text = new String(data, StandardCharsets.UTF_8);
                  getUI().ifPresent(ui -> ui.access(() -> preview(text)));
                }));
    upload.setId("import-upload");
    upload.setAcceptedFileTypes(".csv", "text/csv");
    upload.setMaxFiles(1);
    upload.setMaxFileSize(MAX_BYTES);
    upload.setDropLabel(new Span("Drop a CSV file here"));
    upload.addFileRejectedListener(e -> Toasts.error(e.getErrorMessage()));
    register.setId("import-register");
    register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    register.setEnabled(false);
    register.addClickListener(e -> importValid());
    secrets =
        new Anchor(
            DownloadHandler.fromInputStream(e -> secretsCsv()),
            AttachmentType.DOWNLOAD,
            "Download the secrets (once)");
    secrets.setId("import-secrets");
    secrets.setVisible(false);

    Paragraph help =
        new Paragraph(
            "A CSV file with the columns serial, model, site (the site by name, may be empty),"
                + " optionally with a header row; up to "
                + BulkCsv.MAX_ROWS
                + " devices. Nothing is registered before you confirm.");
    help.addClassName("note");
    FlexLayout bar = new FlexLayout();
    if (user.isSupport()) bar.add(account);
    bar.add(upload);
    bar.addClassName("filter-bar");

    grid.setId("import-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(l -> l.row().line()).setHeader("Row").setWidth("5rem").setFlexGrow(0);
    grid.addColumn(l -> l.row().serial()).setHeader("Serial").setWidth("11rem").setFlexGrow(0);
    grid.addColumn(l -> l.row().model()).setHeader("Model").setWidth("9rem").setFlexGrow(0);
    grid.addColumn(l -> l.row().site()).setHeader("Site").setWidth("8rem").setFlexGrow(0);
    grid.addColumn(
            l -> l.outcome() != null ? l.outcome() : l.row().valid() ? "OK" : l.row().problem())
        .setHeader("Check / outcome")
        .setFlexGrow(1)
        .setClassNameGenerator(
            l ->
                (l.outcome() == null ? l.row().valid() : l.outcome().equals("Registered"))
                    ? null
                    : "row-problem");
    grid.setHeight("28rem");
    summary.setId("import-summary");
    summary.addClassName("result-count");
    FlexLayout actions = new FlexLayout(register, secrets);
    actions.addClassName("filter-bar");
    Div section = new Div(new H2("Bulk import of devices"), help, bar, summary, grid, actions);
    section.addClassNames("card", "section");
    add(section);
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
      loadSites(user.accountId());
    }
  }

  private String accountId() {
    return user.isSupport()
        ? (account.getValue() == null ? null : account.getValue().id())
        : user.accountId();
  }

  private void loadSites(String accountId) {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().sites(accountId),
                    list -> {
                      Map<String, String> m = new HashMap<>();
                      for (SiteView s : list) m.put(s.name().toLowerCase(Locale.ROOT), s.id());
                      sitesByName = m;
                    },
                    Toasts::error));
  }

  private void preview(String text) {
    if (accountId() == null) {
      Toasts.error("Choose the account first, then upload the file again.");
      return;
    }
    try {
      rows = BulkCsv.parse(text, sitesByName);
    } catch (IllegalArgumentException e) {
      rows = List.of();
      Toasts.error(e.getMessage());
    }
    grid.setItems(rows.stream().map(r -> new Line(r, null)).toList());
    long valid = rows.stream().filter(BulkCsv.Row::valid).count();
    summary.setText(
        rows.size()
            + " rows: "
            + valid
            + " can be registered, "
            + (rows.size() - valid)
            + " have a problem.");
    register.setText("Register " + valid + " valid devices");
    register.setEnabled(valid > 0);
    secrets.setVisible(false);
  }

  private void importValid() {
    String accountId = accountId();
    List<BulkCsv.Row> valid = rows.stream().filter(BulkCsv.Row::valid).toList();
    if (valid.isEmpty() || accountId == null) return;
    register.setEnabled(false);
    BulkRegistrationRequest req =
        new BulkRegistrationRequest(
            accountId,
            valid.stream()
                .map(r -> new BulkRegistrationRequest.Device(r.serial(), r.model(), r.siteId()))
                .toList());
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().registerDevices(req),
                    this::showOutcome,
                    e -> {
                      register.setEnabled(true);
                      Toasts.error(e);
                    }));
  }

  private void showOutcome(BulkRegistrationResult result) {
    Map<String, String> outcome = new HashMap<>();
    result.registered().forEach(r -> outcome.put(r.serial(), "Registered"));
    result.failed().forEach(f -> outcome.put(f.serial(), "Refused: " + f.reason()));
    grid.setItems(
        rows.stream()
            .map(r -> new Line(r, r.valid() ? outcome.getOrDefault(r.serial(), "?") : null))
            .toList());
    summary.setText(
        result.registered().size()
            + " registered, "
            + result.failed().size()
            + " refused by the gateway, "
            + rows.stream().filter(r -> !r.valid()).count()
            + " not sent (problems in the file).");
    unsaved = List.copyOf(result.registered());
    secrets.setVisible(!unsaved.isEmpty());
    rows = List.of();
    register.setText("Register valid devices");
  }

  /** The secrets as CSV, once: the console forgets them when they have been sent. */
  private DownloadResponse secretsCsv() {
    List<DeviceRegistration> list = unsaved;
    if (list.isEmpty()) return DownloadResponse.error(410, "The secrets were downloaded already.");
    unsaved = List.of();
    StringBuilder b = new StringBuilder("serial,model,secret\r\n");
    for (DeviceRegistration r : list) {
      b.append(r.serial())
          .append(',')
          .append(r.model())
          .append(',')
          .append(r.secret())
          .append("\r\n");
    }
    UI ui = getUI().orElse(null);
    if (ui != null) ui.access(() -> secrets.setVisible(false));
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    return new DownloadResponse(
        new ByteArrayInputStream(bytes),
        "device-secrets.csv",
        "text/csv; charset=UTF-8",
        bytes.length);
  }
}
