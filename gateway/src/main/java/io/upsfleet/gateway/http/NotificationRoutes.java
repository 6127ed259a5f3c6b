package io.upsfleet.gateway.http;

import io.upsfleet.api.Serials;
import io.upsfleet.api.rest.DeliveryView;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationTestResult;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DevicePatchRequest;
import io.upsfleet.api.rest.IncidentView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.PolicyView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.Severity;
import io.upsfleet.cluster.notify.Destination;
import io.upsfleet.cluster.notify.DestinationType;
import io.upsfleet.cluster.notify.NotificationStore;
import io.upsfleet.cluster.notify.Notifications;
import io.upsfleet.cluster.notify.Policy;
import io.upsfleet.cluster.site.Site;
import io.upsfleet.cluster.site.Sites;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Sites, notification destinations and policies, the delivery log and incidents of an account
 * (issue 11), under {@code /api/v1/accounts/{id}/…}, and a device's site ({@code PATCH
 * /api/v1/devices/{serial}}). Viewers read; support and the account's admin change; another
 * account's resources are 404 (the account route checks that first).
 */
final class NotificationRoutes extends ApiDirectives {
  private static final int MAX_NAME = 100;
  private static final int MAX_LIST = 200;
  private static final Pattern EMAIL =
      Pattern.compile(
          "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

  NotificationRoutes(ApiContext api) {
    super(api);
  }

  /** The routes under {@code /api/v1/accounts/{accountId}}; the caller checked visibility. */
  Route accountRoutes(Principal p, UUID accountId) {
    if (api.notifications == null) return reject();
    return concat(
        path(
            "sites",
            () ->
                concat(
                    post(() -> jsonBody(SiteRequest.class, req -> createSite(p, accountId, req))),
                    get(
                        () ->
                            completeOk(
                                api.notifications
                                    .sites(accountId)
                                    .thenApply(
                                        l -> l.stream().map(NotificationRoutes::view).toList()))))),
        pathPrefix(
            "notification-destinations",
            () ->
                concat(
                    pathEnd(
                        () ->
                            concat(
                                post(
                                    () ->
                                        jsonBody(
                                            DestinationRequest.class,
                                            req -> createDestination(p, accountId, req))),
                                get(
                                    () ->
                                        completeOk(
                                            api.notifications
                                                .destinations(accountId)
                                                .thenApply(
                                                    l ->
                                                        l.stream()
                                                            .map(d -> view(d, false))
                                                            .toList()))))),
                    pathPrefix(
                        id ->
                            concat(
                                pathEnd(
                                    () ->
                                        delete(
                                            () ->
                                                remove(
                                                    p,
                                                    accountId,
                                                    "destination",
                                                    pathId(id),
                                                    api.notifications::deleteDestination))),
                                path(
                                    "test",
                                    () -> post(() -> sendTest(p, accountId, pathId(id)))))))),
        pathPrefix(
            "notification-policies",
            () ->
                concat(
                    pathEnd(
                        () ->
                            concat(
                                post(
                                    () ->
                                        jsonBody(
                                            PolicyRequest.class,
                                            req -> createPolicy(p, accountId, req))),
                                get(
                                    () ->
                                        completeOk(
                                            api.notifications
                                                .policies(accountId)
                                                .thenApply(
                                                    l ->
                                                        l.stream()
                                                            .map(NotificationRoutes::view)
                                                            .toList()))))),
                    path(
                        id ->
                            concat(
                                put(
                                    () ->
                                        jsonBody(
                                            PolicyRequest.class,
                                            req -> updatePolicy(p, accountId, pathId(id), req))),
                                delete(
                                    () ->
                                        remove(
                                            p,
                                            accountId,
                                            "policy",
                                            pathId(id),
                                            api.notifications::deletePolicy)))))),
        path(
            "notification-deliveries",
            () ->
                get(
                    () ->
                        paging(
                            (page, size) ->
                                completeOk(
                                    api.notifications
                                        .deliveries(accountId, page * size, size)
                                        .thenApply(
                                            l ->
                                                l.stream()
                                                    .map(NotificationRoutes::view)
                                                    .toList()))))),
        path(
            "incidents",
            () ->
                get(
                    () ->
                        paging(
                            (page, size) ->
                                completeOk(
                                    api.notifications
                                        .incidents(accountId, page * size, size)
                                        .thenApply(
                                            l ->
                                                l.stream()
                                                    .map(NotificationRoutes::view)
                                                    .toList()))))));
  }

  /** {@code PATCH /api/v1/devices/{serial}} {@code {"siteId"}}: moves the device to a site. */
  Route patchDevice(
      Principal p,
      String serial,
      BiFunction<Principal, String, CompletionStage<DeviceSnapshot>> visible) {
    if (api.notifications == null) return reject();
    return jsonBody(
        DevicePatchRequest.class,
        req -> {
          Validation v = new Validation();
          v.require(req.siteId() != null, "siteId", "is required: a site id, or \"\" for none");
          Optional<UUID> site = Optional.empty();
          if (req.siteId() != null && !req.siteId().isEmpty()) {
            site = parseUuid(req.siteId());
            v.require(site.isPresent(), "siteId", "must be a site id or \"\"");
          }
          v.throwIfInvalid();
          Optional<UUID> wanted = site;
          return completeOk(
              visible
                  .apply(p, serial)
                  .thenCompose(
                      s -> {
                        UUID account = UUID.fromString(s.accountId());
                        if (!p.canManage(account))
                          throw forbidden(p, account, "device.site", "viewers cannot move devices");
                        return api.notifications
                            .assignSite(serial, account, wanted)
                            .thenApply(
                                ok -> {
                                  if (!ok)
                                    throw ApiException.invalid(
                                        List.of(
                                            new Problem.FieldError(
                                                "siteId", "no such site in the device's account")));
                                  api.audit.record(
                                      p.username(),
                                      account,
                                      "device.site",
                                      serial,
                                      "OK",
                                      wanted.map(UUID::toString).orElse("none"));
                                  return new DevicePatchRequest(
                                      wanted.map(UUID::toString).orElse(""));
                                });
                      }));
        });
  }

  /** Checks the site named at registration (null: none) belongs to the account: 400 otherwise. */
  CompletionStage<Optional<UUID>> registrationSite(UUID account, String raw) {
    if (raw == null || raw.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    Optional<UUID> site = parseUuid(raw);
    if (site.isEmpty() || api.notifications == null)
      return CompletableFuture.failedFuture(siteInvalid());
    return api.notifications
        .countSites(account, List.of(site.get()))
        .thenApply(
            n -> {
              if (n != 1) throw siteInvalid();
              return site;
            });
  }

  /** Puts a newly registered device in its site. */
  CompletionStage<Boolean> assignRegistered(String serial, UUID account, Optional<UUID> site) {
    if (site.isEmpty()) return CompletableFuture.completedFuture(true);
    return api.notifications.assignSite(serial, account, site);
  }

  private static ApiException siteInvalid() {
    return ApiException.invalid(
        List.of(new Problem.FieldError("siteId", "must be the id of a site of the account")));
  }

  // ------------------------------------------------------------------------------------- sites

  private Route createSite(Principal p, UUID accountId, SiteRequest req) {
    requireManage(p, accountId, "site.create");
    Validation v = new Validation();
    String name = req.name() == null ? "" : req.name().trim();
    v.require(printable(name, 1, MAX_NAME), "name", "is required: 1 to 100 printable characters");
    v.require(
        req.address() == null || printable(req.address(), 0, 500),
        "address",
        "must be at most 500 printable characters");
    boolean zoneOk = true;
    if (req.timeZone() != null) {
      try {
        ZoneId.of(req.timeZone());
      } catch (DateTimeException e) {
        zoneOk = false;
      }
    }
    v.require(zoneOk, "timeZone", "must be an IANA time zone, e.g. Europe/Paris");
    v.throwIfInvalid();
    return completeJson(
        StatusCodes.CREATED,
        mapErrors(
            api.notifications
                .createSite(accountId, name, req.address(), req.timeZone())
                .thenApply(
                    s -> {
                      api.audit.record(
                          p.username(), accountId, "site.create", s.id().toString(), "OK", name);
                      return view(s);
                    })));
  }

  // ------------------------------------------------------------------------------ destinations

  private Route createDestination(Principal p, UUID accountId, DestinationRequest req) {
    requireManage(p, accountId, "destination.create");
    Validation v = new Validation();
    Optional<DestinationType> type =
        req.type() == null ? Optional.empty() : DestinationType.fromName(req.type());
    v.require(
        type.isPresent(), "type", "must be one of " + Arrays.toString(DestinationType.values()));
    String name = req.name() == null ? "" : req.name().trim();
    v.require(printable(name, 1, MAX_NAME), "name", "is required: 1 to 100 printable characters");
    String target = null;
    if (type.isPresent() && type.get() == DestinationType.EMAIL) {
      v.require(req.url() == null, "url", "is not used by EMAIL destinations");
      v.require(
          req.email() != null
              && req.email().length() <= 254
              && EMAIL.matcher(req.email()).matches(),
          "email",
          "is required: an e-mail address");
      target = req.email();
    } else if (type.isPresent()) {
      v.require(req.email() == null, "email", "is used only by EMAIL destinations");
      v.require(req.url() != null, "url", "is required: an https URL");
      target = req.url();
    }
    v.throwIfInvalid();
    String t = target;
    return completeJson(
        StatusCodes.CREATED,
        mapErrors(
            api.notifications
                .createDestination(accountId, type.get(), name, t)
                .thenApply(
                    d -> {
                      api.audit.record(
                          p.username(),
                          accountId,
                          "destination.create",
                          d.id().toString(),
                          "OK",
                          d.type() + " " + name);
                      return view(d, true);
                    })));
  }

  private Route sendTest(Principal p, UUID accountId, UUID destinationId) {
    requireManage(p, accountId, "destination.test");
    return completeOk(
        api.notifications
            .destination(accountId, destinationId)
            .thenCompose(
                d -> {
                  if (d.isEmpty()) throw ApiException.notFound("no destination " + destinationId);
                  return api.notifications.sendTest(d.get(), p.username());
                })
            .thenApply(o -> new DestinationTestResult(o.delivered(), o.deliveryKey(), o.error())));
  }

  /** {@code DELETE}: 204, or 404 when the account has no such resource. */
  private Route remove(
      Principal p,
      UUID accountId,
      String what,
      UUID id,
      BiFunction<UUID, UUID, CompletionStage<Boolean>> delete) {
    requireManage(p, accountId, what + ".delete");
    return onComplete(
        delete.apply(accountId, id),
        t -> {
          if (t.isFailure()) return failWith(t.failed().get());
          if (!t.get()) return failWith(ApiException.notFound("no " + what + " " + id));
          api.audit.record(p.username(), accountId, what + ".delete", id.toString(), "OK", null);
          return complete(StatusCodes.NO_CONTENT);
        });
  }

  // ---------------------------------------------------------------------------------- policies

  private Route createPolicy(Principal p, UUID accountId, PolicyRequest req) {
    requireManage(p, accountId, "policy.create");
    CompletionStage<Policy> created =
        checkedPolicy(accountId, UUID.randomUUID(), api.clock.instant(), req)
            .thenCompose(api.notifications::createPolicy)
            .thenApply(
                pol -> {
                  api.audit.record(
                      p.username(),
                      accountId,
                      "policy.create",
                      pol.id().toString(),
                      "OK",
                      pol.name());
                  return pol;
                });
    return completeJson(StatusCodes.CREATED, created.thenApply(NotificationRoutes::view));
  }

  /**
   * {@code PUT …/notification-policies/{policyId}}: the whole policy again, checked as on creation;
   * its id and creation time stay. 404 when the account has no such policy.
   */
  private Route updatePolicy(Principal p, UUID accountId, UUID policyId, PolicyRequest req) {
    requireManage(p, accountId, "policy.update");
    CompletionStage<Policy> updated =
        api.notifications
            .policies(accountId)
            .thenApply(
                all ->
                    all.stream()
                        .filter(x -> x.id().equals(policyId))
                        .findFirst()
                        .orElseThrow(() -> ApiException.notFound("no policy " + policyId)))
            .thenCompose(before -> checkedPolicy(accountId, policyId, before.createdAt(), req))
            .thenCompose(
                pol ->
                    api.notifications
                        .updatePolicy(pol)
                        .thenApply(
                            found -> {
                              if (!found) throw ApiException.notFound("no policy " + policyId);
                              api.audit.record(
                                  p.username(),
                                  accountId,
                                  "policy.update",
                                  policyId.toString(),
                                  "OK",
                                  pol.name());
                              return pol;
                            }));
    return completeOk(updated.thenApply(NotificationRoutes::view));
  }

  /**
   * The policy {@code req} describes, with its fields checked (400 naming each bad one) and its
   * destinations and sites checked to be the account's.
   */
  private CompletionStage<Policy> checkedPolicy(
      UUID accountId, UUID id, Instant createdAt, PolicyRequest req) {
    Validation v = new Validation();
    String name = req.name() == null ? "" : req.name().trim();
    v.require(printable(name, 1, MAX_NAME), "name", "is required: 1 to 100 printable characters");
    Severity min = null;
    if (req.minSeverity() != null) {
      try {
        min = Severity.valueOf(req.minSeverity());
      } catch (IllegalArgumentException e) {
        v.require(false, "minSeverity", "must be one of " + Arrays.toString(Severity.values()));
      }
    }
    Set<EventType> types = new HashSet<>();
    for (String t : list(v, req.eventTypes(), "eventTypes")) {
      Optional<EventType> et = EventType.fromName(t);
      v.require(et.isPresent(), "eventTypes", "unknown event type: " + abbreviate(t));
      et.ifPresent(types::add);
    }
    v.require(
        min == null || types.isEmpty(), "minSeverity", "give either minSeverity or eventTypes");
    List<UUID> sites = uuids(v, req.siteIds(), "siteIds");
    Set<String> serials = new HashSet<>();
    for (String s : list(v, req.serials(), "serials")) {
      v.require(Serials.isValid(s), "serials", "must match " + Serials.PATTERN);
      serials.add(s);
    }
    List<UUID> destinations = uuids(v, req.destinationIds(), "destinationIds");
    v.require(!destinations.isEmpty(), "destinationIds", "at least one destination is required");
    v.throwIfInvalid();
    Policy policy =
        new Policy(
            id,
            accountId,
            name,
            min,
            types,
            Set.copyOf(sites),
            serials,
            List.copyOf(new LinkedHashSet<>(destinations)),
            Boolean.TRUE.equals(req.includeMaintenance()),
            createdAt);
    return api.notifications
        .countDestinations(accountId, policy.destinationIds())
        .thenCombine(
            sites.isEmpty()
                ? CompletableFuture.completedFuture(0)
                : api.notifications.countSites(accountId, List.copyOf(policy.siteIds())),
            (nd, ns) -> {
              Validation refs = new Validation();
              refs.require(
                  nd == policy.destinationIds().size(),
                  "destinationIds",
                  "must be destinations of this account");
              refs.require(
                  ns == policy.siteIds().size(), "siteIds", "must be sites of this account");
              refs.throwIfInvalid();
              return policy;
            });
  }

  // ----------------------------------------------------------------------------------- helpers

  private void requireManage(Principal p, UUID accountId, String action) {
    if (!p.canManage(accountId))
      throw forbidden(p, accountId, action, "only support or the account's admin change this");
  }

  private ApiException forbidden(Principal p, UUID account, String action, String detail) {
    api.audit.record(p.username(), account, action, null, "FORBIDDEN", detail);
    return ApiException.forbidden(detail);
  }

  /** Turns the cluster's refusals into problems. */
  private static <T> CompletionStage<T> mapErrors(CompletionStage<T> stage) {
    return stage.handle(
        (value, err) -> {
          if (err == null) return value;
          Throwable e =
              err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (e instanceof Notifications.InvalidDestination)
            throw ApiException.invalid(List.of(new Problem.FieldError("url", e.getMessage())));
          if (e instanceof Sites.DuplicateSite) throw ApiException.conflict(e.getMessage());
          throw err instanceof CompletionException ce ? ce : new CompletionException(err);
        });
  }

  private static List<String> list(Validation v, List<String> raw, String field) {
    if (raw == null) return List.of();
    v.require(raw.size() <= MAX_LIST, field, "at most " + MAX_LIST + " entries");
    List<String> out = new ArrayList<>();
    for (String s : raw) {
      v.require(s != null, field, "must not contain null");
      if (s != null && out.size() < MAX_LIST) out.add(s);
    }
    return out;
  }

  private static List<UUID> uuids(Validation v, List<String> raw, String field) {
    List<UUID> out = new ArrayList<>();
    for (String s : list(v, raw, field)) {
      Optional<UUID> id = parseUuid(s);
      v.require(id.isPresent(), field, "must be ids");
      id.ifPresent(out::add);
    }
    return out;
  }

  private static Optional<UUID> parseUuid(String raw) {
    try {
      return Optional.of(UUID.fromString(raw));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean printable(String s, int min, int max) {
    return s.length() >= min && s.length() <= max && s.chars().noneMatch(Character::isISOControl);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  static SiteView view(Site s) {
    return new SiteView(
        s.id().toString(), s.name(), s.address(), s.timeZone(), s.devices(), s.createdAt());
  }

  static DestinationView view(Destination d, boolean withSecret) {
    boolean email = d.type() == DestinationType.EMAIL;
    return new DestinationView(
        d.id().toString(),
        d.type().name(),
        d.name(),
        email ? null : d.target(),
        email ? d.target() : null,
        withSecret ? d.secret() : null,
        d.createdAt());
  }

  static PolicyView view(Policy p) {
    return new PolicyView(
        p.id().toString(),
        p.name(),
        p.minSeverity() == null ? null : p.minSeverity().name(),
        p.eventTypes().stream().map(Enum::name).sorted().toList(),
        p.siteIds().stream().map(UUID::toString).sorted().toList(),
        p.serials().stream().sorted().toList(),
        p.destinationIds().stream().map(UUID::toString).toList(),
        p.includeMaintenance(),
        p.createdAt());
  }

  static DeliveryView view(NotificationStore.Delivery d) {
    return new DeliveryView(
        d.id(),
        d.key(),
        d.destinationId().toString(),
        d.destinationName(),
        d.destinationType(),
        d.kind(),
        d.title(),
        d.serial(),
        d.incidentId() == null ? null : d.incidentId().toString(),
        d.events(),
        d.status(),
        d.attempts(),
        d.lastError(),
        d.createdAt(),
        d.nextAttemptAt(),
        d.sentAt());
  }

  static IncidentView view(NotificationStore.Incident i) {
    return new IncidentView(
        i.id().toString(),
        i.siteId().toString(),
        i.siteName(),
        i.startedAt(),
        i.endedAt(),
        i.onBattery(),
        i.peak(),
        i.devicesTotal(),
        i.serials());
  }
}
