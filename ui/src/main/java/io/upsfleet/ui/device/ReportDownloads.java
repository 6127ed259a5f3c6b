package io.upsfleet.ui.device;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.ui.login.SignedInUser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The MyInventory and MyRenewals download links of the device list: each streams the gateway's
 * report (CSV or XLSX) of the account in view with the list's filters, through the console, to the
 * browser. Support must pick an account first.
 */
final class ReportDownloads extends HorizontalLayout {

  ReportDownloads(SignedInUser user, Supplier<DeviceFilter> filter) {
    addClassName("report-downloads");
    setAlignItems(Alignment.BASELINE);
    add(new Span("Reports:"));
    for (String report : new String[] {"my-inventory", "my-renewals"}) {
      for (String format : new String[] {"csv", "xlsx"}) {
        String file = report + "." + format;
        String label =
            (report.equals("my-inventory") ? "MyInventory" : "MyRenewals")
                + " ("
                + format.toUpperCase()
                + ")";
        Anchor link =
            new Anchor(
                DownloadHandler.fromInputStream(e -> download(user, filter.get(), file)),
                AttachmentType.DOWNLOAD,
                label);
        link.setId("download-" + report + "-" + format);
        add(link);
      }
    }
  }

  private static DownloadResponse download(SignedInUser user, DeviceFilter f, String file) {
    String account = user.isSupport() ? f.accountId() : user.accountId();
    if (account == null || account.isBlank()) {
      return DownloadResponse.error(400, "Choose an account first.");
    }
    try {
      return new DownloadResponse(
          user.client().report(account, file, parameters(f)),
          file,
          file.endsWith(".csv")
              ? "text/csv; charset=UTF-8"
              : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          -1);
    } catch (ApiError e) {
      return DownloadResponse.error(502, e.userMessage());
    }
  }

  /** The list's filters as the report's query parameters (the same names as the device list's). */
  static Map<String, String> parameters(DeviceFilter f) {
    Map<String, String> p = new LinkedHashMap<>();
    if (f.status() != null) p.put("status", f.status());
    if (f.search() != null && !f.search().isBlank()) p.put("q", f.search());
    if (f.plan() != null) p.put("plan", f.plan());
    if (f.model() != null && !f.model().isBlank()) p.put("model", f.model());
    if (f.firmwareOutdated() != null) p.put("firmwareOutdated", f.firmwareOutdated().toString());
    return p;
  }
}
