package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/audit}: the audit trail, newest first, paged by the cursor {@code after};
 * filters {@code from}, {@code to}, {@code actor}, {@code action} (a prefix), {@code outcome},
 * {@code accountId} (support; an account admin sees their own account's records only); JSON, or CSV
 * with {@code Accept: text/csv} or {@code format=csv}.
 */
final class AuditRoutes extends ApiDirectives {
  private static final int MAX_CSV_ROWS = 10_000;
  private static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  AuditRoutes(ApiContext api) {
    super(api);
  }

  Route routes() {
    return authenticated(
        p ->
            pathEnd(
                () ->
                    get(
                        () ->
                            extractRequest(
                                request -> parameterMap(params -> read(p, request, params))))));
  }

  private Route read(Principal p, HttpRequest request, Map<String, String> params) {
    Validation v = new Validation();
    Instant to = v.instant("to", params.get("to")).orElse(api.clock.instant());
    Instant from = v.instant("from", params.get("from")).orElse(to.minus(DEFAULT_WINDOW));
    v.require(!from.isAfter(to), "from", "must not be after to");
    Long after = null;
    if (params.containsKey("after")) {
      try {
        after = Long.parseLong(params.get("after"));
      } catch (NumberFormatException e) {
        v.require(false, "after", "must be a cursor from a previous page's next");
      }
    }
    boolean csv = Csv.wanted(request, params);
    int size =
        v.intParam("size", Optional.ofNullable(params.get("size")), 50, 1, api.http.maxPageSize());
    for (String name : List.of("actor", "action", "outcome")) {
      String value = params.get(name);
      v.require(
          value == null || (!value.isEmpty() && value.length() <= 100),
          name,
          "1 to 100 characters");
    }
    Optional<UUID> account = accountScope(p, v, params.get("accountId"));
    v.throwIfInvalid();
    AuditLog.Query query =
        new AuditLog.Query(
            account,
            from,
            to,
            params.get("actor"),
            params.get("action"),
            params.get("outcome"),
            after,
            csv ? MAX_CSV_ROWS : size + 1);
    CompletionStage<List<AuditLog.Entry>> found = api.audit.search(query);
    if (csv) {
      return onComplete(
          found,
          t -> {
            if (t.isFailure()) return failWith(t.failed().get());
            StringBuilder b =
                new StringBuilder(
                    Csv.row(
                        List.of(
                            "id",
                            "at",
                            "actor",
                            "role",
                            "source",
                            "accountId",
                            "action",
                            "target",
                            "outcome",
                            "details")));
            for (AuditLog.Entry e : t.get()) {
              AuditEntryView x = view(e);
              b.append(
                  Csv.row(
                      List.of(
                          Long.toString(x.id()),
                          x.at().toString(),
                          x.actor(),
                          String.valueOf(x.role()),
                          String.valueOf(x.source()),
                          String.valueOf(x.accountId()),
                          x.action(),
                          String.valueOf(x.target()),
                          x.outcome(),
                          String.valueOf(x.details()))));
            }
            return csvFile("audit.csv", b.toString());
          });
    }
    return completeOk(
        found.thenApply(
            list -> {
              List<AuditEntryView> items =
                  list.stream().limit(size).map(AuditRoutes::view).toList();
              String next =
                  list.size() > size ? Long.toString(items.get(items.size() - 1).id()) : null;
              return new CursorPage<>(items, next);
            }));
  }

  static AuditEntryView view(AuditLog.Entry e) {
    AuditLog.Record r = e.record();
    return new AuditEntryView(
        e.id(),
        e.at(),
        r.actor(),
        r.role(),
        r.source(),
        r.accountId() == null ? null : r.accountId().toString(),
        r.action(),
        r.target(),
        r.outcome(),
        r.details());
  }
}
