package io.upsfleet.gateway.http;

import io.upsfleet.api.Serials;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.FleetEventView;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.EventFeed;
import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/events}: every logged event of the caller's account (support: all, or {@code
 * accountId}), newest first, filtered by {@code from}, {@code to}, {@code type}, {@code severity}
 * (comma-separated lists), {@code serial}, paged by the cursor {@code after}; JSON, or CSV with
 * {@code Accept: text/csv} or {@code format=csv}. The {@code site} filter is refused until devices
 * have sites.
 */
final class EventFeedRoutes extends ApiDirectives {
  private static final int MAX_CSV_ROWS = 10_000;
  private static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  EventFeedRoutes(ApiContext api) {
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
    Set<EventType> types = names(v, "type", params.get("type"), EventType.class);
    Set<Severity> severities = names(v, "severity", params.get("severity"), Severity.class);
    String serial = params.get("serial");
    v.require(serial == null || Serials.isValid(serial), "serial", "must match " + Serials.PATTERN);
    UUID site = null;
    if (params.containsKey("site")) {
      try {
        site = UUID.fromString(params.get("site"));
      } catch (IllegalArgumentException e) {
        v.require(false, "site", "must be a site id");
      }
    }
    EventFeed.Cursor after = params.containsKey("after") ? cursor(v, params.get("after")) : null;
    boolean csv = Csv.wanted(request, params);
    int size =
        v.intParam("size", Optional.ofNullable(params.get("size")), 50, 1, api.http.maxPageSize());
    Optional<UUID> account = accountScope(p, v, params.get("accountId"));
    v.throwIfInvalid();
    CompletionStage<List<EventFeed.FeedEvent>> found =
        api.directory.feed(
            new EventFeed.Query(
                account,
                from,
                to,
                types,
                severities,
                serial,
                site,
                after,
                csv ? MAX_CSV_ROWS : size + 1));
    if (csv) {
      return onComplete(
          found,
          t -> {
            if (t.isFailure()) return failWith(t.failed().get());
            StringBuilder b =
                new StringBuilder(
                    Csv.row(
                        List.of(
                            "occurredAt",
                            "accountId",
                            "serial",
                            "seq",
                            "type",
                            "severity",
                            "cause",
                            "deviceTime",
                            "details")));
            for (EventFeed.FeedEvent e : t.get()) {
              FleetEventView x = view(e);
              b.append(
                  Csv.row(
                      List.of(
                          x.occurredAt().toString(),
                          x.accountId(),
                          x.serial(),
                          Long.toString(x.seq()),
                          x.type(),
                          x.severity(),
                          x.cause() == null ? "" : x.cause(),
                          x.deviceTime() == null ? "" : x.deviceTime().toString(),
                          x.details().toString())));
            }
            return csvFile("events.csv", b.toString());
          });
    }
    return completeOk(
        found.thenApply(
            list -> {
              List<FleetEventView> items =
                  list.stream().limit(size).map(EventFeedRoutes::view).toList();
              String next = list.size() > size ? cursor(list.get(size - 1).event()) : null;
              return new CursorPage<>(items, next);
            }));
  }

  static FleetEventView view(EventFeed.FeedEvent f) {
    DeviceDirectory.LoggedEvent e = f.event();
    return new FleetEventView(
        f.accountId().toString(),
        e.serial(),
        e.seqNr(),
        e.type().name(),
        e.severity().name(),
        e.cause(),
        e.occurredAt(),
        e.deviceTime(),
        e.details());
  }

  /** The opaque cursor after {@code e}: its time (µs), serial and sequence number. */
  static String cursor(DeviceDirectory.LoggedEvent e) {
    Instant at = e.occurredAt();
    long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    String raw = micros + "|" + e.serial() + "|" + e.seqNr();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static EventFeed.Cursor cursor(Validation v, String raw) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split("\\|");
      if (parts.length == 3 && Serials.isValid(parts[1])) {
        long micros = Long.parseLong(parts[0]);
        Instant at =
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
        return new EventFeed.Cursor(at, parts[1], Long.parseLong(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    v.require(false, "after", "must be a cursor from a previous page's next");
    return null;
  }

  private static <E extends Enum<E>> Set<E> names(
      Validation v, String field, String raw, Class<E> type) {
    Set<E> out = EnumSet.noneOf(type);
    if (raw == null) return out;
    for (String name : raw.split(",", -1)) {
      try {
        out.add(Enum.valueOf(type, name.trim()));
      } catch (IllegalArgumentException e) {
        v.require(false, field, "must be among " + EnumSet.allOf(type));
        return out;
      }
    }
    v.require(out.size() <= 50, field, "at most 50 values");
    return out;
  }
}
