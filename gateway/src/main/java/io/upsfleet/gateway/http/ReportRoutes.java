package io.upsfleet.gateway.http;

import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.report.DeviceReports;
import io.upsfleet.cluster.report.Report;
import io.upsfleet.cluster.report.ReportFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/accounts/{id}/reports/{my-inventory|my-renewals}.{csv|xlsx}}: the account's
 * MyInventory or MyRenewals report with the device list's filters (and {@code expiringWithinDays}),
 * streamed as it is read: the rows go from a database cursor through the writer into the response,
 * so memory stays bounded whatever the fleet's size. Users of the account may download it; support
 * any account's; every download is audited. Another account is a 404 (checked by the caller).
 */
final class ReportRoutes extends ApiDirectives {
  private static final Logger log = LoggerFactory.getLogger(ReportRoutes.class);

  /** How long a write may wait for the client to read before the download is abandoned. */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

  /** The longest "expiring within" window, in days. */
  static final int MAX_EXPIRING_DAYS = 3_650;

  ReportRoutes(ApiContext api) {
    super(api);
  }

  Route routes(Principal p, UUID accountId) {
    return reports(p, accountId, false);
  }

  /** MyRenewals only: what a reseller may download of a consenting account. */
  Route renewalsFor(Principal p, UUID accountId) {
    return reports(p, accountId, true);
  }

  private Route reports(Principal p, UUID accountId, boolean renewalsOnly) {
    return pathPrefix(
        name ->
            pathEnd(
                () ->
                    get(
                        () ->
                            parameterMap(
                                params ->
                                    extractMaterializer(
                                        mat ->
                                            download(
                                                p, accountId, name, params, mat, renewalsOnly))))));
  }

  private Route download(
      Principal p,
      UUID accountId,
      String name,
      Map<String, String> params,
      Materializer mat,
      boolean renewalsOnly) {
    int dot = name.lastIndexOf('.');
    Optional<Report> report = dot < 0 ? Optional.empty() : Report.fromSlug(name.substring(0, dot));
    Optional<ReportFormat> format =
        dot < 0 ? Optional.empty() : ReportFormat.fromExtension(name.substring(dot + 1));
    if (report.isEmpty()
        || format.isEmpty()
        || (renewalsOnly && report.get() != Report.MY_RENEWALS)) {
      throw ApiException.notFound(
          "no report " + abbreviate(name) + " (my-inventory or my-renewals, .csv or .xlsx)");
    }
    Validation v = new Validation();
    DeviceDirectory.Query query = DeviceRoutes.query(v, params, Optional.of(accountId));
    Optional<Integer> expiring =
        params.containsKey("expiringWithinDays")
            ? Optional.of(
                v.intParam(
                    "expiringWithinDays",
                    Optional.of(params.get("expiringWithinDays")),
                    0,
                    0,
                    MAX_EXPIRING_DAYS))
            : Optional.empty();
    v.throwIfInvalid();
    return onComplete(
        api.accounts.account(accountId),
        found -> {
          if (found.isFailure()) return failWith(found.failed().get());
          if (found.get().isEmpty())
            return failWith(ApiException.notFound("no account " + accountId));
          Instant now = api.clock.instant();
          api.audit.record(
              p.username(),
              accountId,
              "report.download",
              report.get().slug() + "." + format.get().extension(),
              "OK",
              p.role().name());
          return stream(report.get(), format.get(), query, expiring, now, mat, accountId);
        });
  }

  private Route stream(
      Report report,
      ReportFormat format,
      DeviceDirectory.Query query,
      Optional<Integer> expiring,
      Instant now,
      Materializer mat,
      UUID accountId) {
    Pair<OutputStream, Source<ByteString, NotUsed>> pipe =
        StreamConverters.asOutputStream(WRITE_TIMEOUT).preMaterialize(mat);
    OutputStream out = pipe.first();
    api.directory
        .report(
            report,
            new DeviceReports.Filter(query, expiring),
            now,
            () -> format.open(report, now.atZone(ZoneOffset.UTC).toLocalDate(), out))
        .whenComplete(
            (rows, e) -> {
              if (e == null) return;
              // The status line has gone out: the client sees a truncated file.
              log.warn(
                  "report {} of account {} failed: {}", report.slug(), accountId, e.toString());
              try {
                out.close();
              } catch (IOException ignored) {
                // the stream is gone already
              }
            });
    ContentType type = ContentTypes.parse(format.mediaType());
    String file =
        report.slug() + "-" + now.atZone(ZoneOffset.UTC).toLocalDate() + "." + format.extension();
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.createChunked(type, pipe.second()))
            .addHeader(
                ContentDisposition.create(
                    ContentDispositionTypes.ATTACHMENT, Map.of("filename", file))));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
