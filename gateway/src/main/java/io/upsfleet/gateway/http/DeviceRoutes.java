package io.upsfleet.gateway.http;

import io.upsfleet.api.Serials;
import io.upsfleet.api.mqtt.DeviceTopic;
import io.upsfleet.api.rest.BulkRegistrationRequest;
import io.upsfleet.api.rest.BulkRegistrationResult;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceSecret;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PlanView;
import io.upsfleet.api.rest.RegisterDeviceRequest;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.api.rest.TransferRequest;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.TelemetryVariable;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/devices}: registration (returns the device secret once), the live view of one
 * device (asked of its entity), the paged, filtered and sorted list, the overview's counts, each
 * device's event log (from read models) and its downsampled telemetry history. A device of another
 * account is a 404, as if it did not exist.
 */
final class DeviceRoutes extends ApiDirectives {
  private static final String MODEL = "[A-Z0-9]{3,24}";
  private static final Duration DEFAULT_EVENT_WINDOW = Duration.ofDays(30);
  private static final Duration DEFAULT_TELEMETRY_WINDOW = Duration.ofHours(24);
  private static final int MAX_TELEMETRY_POINTS = 1440;

  private final LicenseRoutes licenses;
  private final CommandRoutes commands;
  private final NotificationRoutes sites;

  DeviceRoutes(ApiContext api, LicenseRoutes licenses) {
    super(api);
    this.licenses = licenses;
    this.commands = new CommandRoutes(api, this::visibleSnapshot);
    this.sites = new NotificationRoutes(api);
  }

  Route routes() {
    return authenticated(
        p ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            post(
                                () ->
                                    jsonBody(RegisterDeviceRequest.class, req -> register(p, req))),
                            get(() -> list(p)))),
                path("summary", () -> get(() -> counts(p))),
                path(
                    "bulk",
                    () -> post(() -> jsonBody(BulkRegistrationRequest.class, req -> bulk(p, req)))),
                pathPrefix(
                    serial ->
                        concat(
                            pathEnd(
                                () ->
                                    concat(
                                        get(
                                            () ->
                                                completeOk(
                                                    visibleSnapshot(p, serial)
                                                        .thenApply(DeviceRoutes::view))),
                                        patch(
                                            () ->
                                                sites.patchDevice(
                                                    p, serial, this::visibleSnapshot)),
                                        delete(() -> deregister(p, serial)))),
                            path("events", () -> get(() -> events(p, serial))),
                            path("secret", () -> post(() -> rotateSecret(p, serial))),
                            path(
                                "transfer",
                                () ->
                                    post(
                                        () ->
                                            jsonBody(
                                                TransferRequest.class,
                                                req -> transfer(p, serial, req)))),
                            path("telemetry", () -> get(() -> telemetry(p, serial))),
                            path("plan", () -> get(() -> licenses.devicePlan(p, serial))),
                            path("operations", () -> get(() -> commands.allowed(p, serial))),
                            pathPrefix("commands", () -> commands.routes(p, serial))))));
  }

  /**
   * {@code DELETE /api/v1/devices/{serial}}: the credential goes first (no new connection is
   * accepted), then the entity closes the open session and leaves the directory. 204.
   */
  private Route deregister(Principal p, String serial) {
    CompletionStage<UpsDevice.Confirmation> done =
        visibleSnapshot(p, serial)
            .thenCompose(s -> api.credentials.delete(serial))
            .thenCompose(v -> api.devices.deregister(serial, p.username()))
            .thenApply(
                reply -> {
                  if (reply instanceof UpsDevice.Confirmation.Rejected r)
                    throw ApiException.notFound(r.message());
                  return reply;
                });
    return onComplete(
        done, t -> t.isSuccess() ? complete(StatusCodes.NO_CONTENT) : failWith(t.failed().get()));
  }

  /**
   * {@code POST /api/v1/devices/{serial}/secret}: a new secret, shown once (the previous one works
   * until the device connects with the new one, or the grace period ends).
   */
  /**
   * {@code POST /api/v1/devices/{serial}/transfer} {@code {"accountId"}} (support): the device
   * moves with its plan and warranty; its event log so far stays with the old account. 200 the
   * device.
   */
  private Route transfer(Principal p, String serial, TransferRequest req) {
    UUID to = null;
    try {
      to = req.accountId() == null ? null : UUID.fromString(req.accountId());
    } catch (IllegalArgumentException e) {
      // reported below
    }
    new Validation().require(to != null, "accountId", "is required: a UUID").throwIfInvalid();
    UUID target = to;
    return completeOk(
        visibleSnapshot(p, serial)
            .thenCompose(
                s -> {
                  if (s.accountId().equals(target.toString()))
                    throw ApiException.conflict("device " + serial + " is already in that account");
                  return api.accounts.account(target);
                })
            .thenCompose(
                a -> {
                  if (a.isEmpty()) throw ApiException.notFound("no account " + target);
                  return api.devices.transfer(serial, target.toString(), p.username());
                })
            .thenCompose(
                reply -> {
                  if (reply instanceof UpsDevice.Confirmation.Rejected r)
                    throw ApiException.notFound(r.message());
                  return api.credentials.moveTo(serial, target);
                })
            .thenCompose(v -> visibleSnapshot(p, serial))
            .thenApply(DeviceRoutes::view));
  }

  private Route rotateSecret(Principal p, String serial) {
    return completeOk(
        visibleSnapshot(p, serial)
            .thenCompose(s -> api.credentials.rotate(serial))
            .thenApply(
                secret ->
                    new DeviceSecret(
                        serial,
                        secret.orElseThrow(() -> ApiException.notFound("no device " + serial)))));
  }

  private Route register(Principal p, RegisterDeviceRequest req) {
    Validation v = new Validation();
    v.require(
        req.serial() != null && Serials.isValid(req.serial()),
        "serial",
        "must match " + Serials.PATTERN);
    v.require(
        req.model() != null && req.model().matches(MODEL),
        "model",
        "must match " + MODEL + ", e.g. SMT1500C");
    UUID account = registrationAccount(p, req.accountId(), v, req.serial());
    return completeJson(
        StatusCodes.CREATED, registerInSite(p, account, req.serial(), req.model(), req.siteId()));
  }

  /**
   * The account devices are registered into: the one named, or a customer's own (support must name
   * one). Throws the collected field errors, 404 for an account the principal cannot see, 403 for a
   * viewer.
   */
  private UUID registrationAccount(Principal p, String requested, Validation v, String target) {
    UUID account = null;
    if (requested != null) {
      try {
        account = UUID.fromString(requested);
      } catch (IllegalArgumentException e) {
        v.require(false, "accountId", "must be a UUID");
      }
    } else if (p.role().isSupport()) {
      v.require(false, "accountId", "is required for support users");
    } else {
      account = p.accountId();
    }
    v.throwIfInvalid();
    if (!p.canSee(account)) throw ApiException.notFound("no account " + account);
    return account;
  }

  private static final int MAX_BULK = 1000;

  /**
   * Registers many devices of one account, a few at a time; each outcome is reported, none aborts
   * the rest.
   */
  private Route bulk(Principal p, BulkRegistrationRequest req) {
    Validation v = new Validation();
    v.require(
        req.devices() != null && !req.devices().isEmpty() && req.devices().size() <= MAX_BULK,
        "devices",
        "1 to " + MAX_BULK + " devices are required");
    if (req.devices() != null) {
      for (var d : req.devices()) {
        v.require(
            d != null && d.serial() != null && Serials.isValid(d.serial()),
            "devices.serial",
            "must match "
                + Serials.PATTERN
                + (d == null ? "" : ": " + abbreviate(String.valueOf(d.serial()))));
        v.require(
            d != null && d.model() != null && d.model().matches(MODEL),
            "devices.model",
            "must match " + MODEL);
      }
    }
    UUID accountId = registrationAccount(p, req.accountId(), v, "bulk");
    List<DeviceRegistration> registered = Collections.synchronizedList(new ArrayList<>());
    List<BulkRegistrationResult.Failure> failed = Collections.synchronizedList(new ArrayList<>());
    // Eight at a time: fast, yet it leaves the database to everyone else too.
    List<BulkRegistrationRequest.Device> all = req.devices();
    int lanes = 8;
    List<CompletableFuture<Void>> laneDone = new ArrayList<>();
    for (int lane = 0; lane < lanes; lane++) {
      CompletableFuture<Void> c = CompletableFuture.completedFuture(null);
      for (int i = lane; i < all.size(); i += lanes) {
        var d = all.get(i);
        c =
            c.thenCompose(
                x ->
                    registerInSite(p, accountId, d.serial(), d.model(), d.siteId())
                        .<Void>handle(
                            (r, err) -> {
                              if (r != null) {
                                registered.add(r);
                              } else {
                                Throwable e = Problems.unwrap(err);
                                failed.add(
                                    new BulkRegistrationResult.Failure(
                                        d.serial(),
                                        e instanceof ApiException || e instanceof TimeoutException
                                            ? e.getMessage()
                                            : "internal error"));
                              }
                              return null;
                            })
                        .toCompletableFuture());
      }
      laneDone.add(c);
    }
    CompletableFuture<Void> chain =
        CompletableFuture.allOf(laneDone.toArray(CompletableFuture[]::new));
    return completeOk(
        chain.thenApply(
            x -> new BulkRegistrationResult(List.copyOf(registered), List.copyOf(failed))));
  }

  /** Registers a device and puts it in {@code siteId} (null: none), checked first (issue 11). */
  private CompletionStage<DeviceRegistration> registerInSite(
      Principal p, UUID accountId, String serial, String model, String siteId) {
    return sites
        .registrationSite(accountId, siteId)
        .thenCompose(
            site ->
                registerOne(p, accountId, serial, model)
                    .thenCompose(
                        r -> sites.assignRegistered(serial, accountId, site).thenApply(x -> r)));
  }

  private CompletionStage<DeviceRegistration> registerOne(
      Principal p, UUID accountId, String serial, String model) {
    RegisterDeviceRequest req = new RegisterDeviceRequest(serial, model, accountId.toString());
    CompletionStage<DeviceRegistration> done =
        api.accounts
            .account(accountId)
            .thenCompose(
                a -> {
                  if (a.isEmpty()) throw ApiException.notFound("no account " + accountId);
                  return api.credentials.create(serial, accountId);
                })
            .thenCompose(
                secret -> {
                  if (secret.isEmpty())
                    throw ApiException.conflict("device " + serial + " is already registered");
                  return api.devices
                      .register(serial, req.model(), accountId.toString())
                      .handle(
                          (reply, err) -> {
                            if (reply instanceof UpsDevice.Confirmation.Accepted)
                              return secret.get();
                            // Compensate so that a retry can succeed: the credential must not
                            // outlive a failed registration.
                            if (!(reply instanceof UpsDevice.Confirmation.Rejected r
                                && r.reason()
                                    == UpsDevice.Confirmation.Reason.ALREADY_REGISTERED)) {
                              api.credentials.delete(serial);
                            }
                            if (err != null) throw new CompletionException(err);
                            throw ApiException.conflict(
                                "device " + serial + " is already registered");
                          });
                })
            .thenApply(
                secret -> {
                  return new DeviceRegistration(
                      serial,
                      req.model(),
                      accountId.toString(),
                      api.clock.instant(),
                      secret,
                      new DeviceRegistration.MqttConnection(
                          serial,
                          serial,
                          DeviceTopic.telemetry(serial).topic(),
                          DeviceTopic.events(serial).topic(),
                          DeviceTopic.commands(serial).topic()));
                });
    return done;
  }

  private Route list(Principal p) {
    return paging(
        (page, size) ->
            parameterMap(
                params -> {
                  Validation v = new Validation();
                  Optional<UUID> account =
                      accountScope(v, p, Optional.ofNullable(params.get("accountId")));
                  DeviceDirectory.Query query = query(v, params, account);
                  v.throwIfInvalid();
                  return completeOk(
                      api.directory
                          .page(query, page, size)
                          .thenApply(
                              pg ->
                                  new PageView<>(
                                      pg.items().stream().map(DeviceRoutes::summary).toList(),
                                      pg.page(),
                                      pg.size(),
                                      pg.total())));
                }));
  }

  /**
   * The device list's filters ({@code status}, {@code q}, {@code plan}, {@code model}, {@code
   * firmwareOutdated}, {@code sort}) over {@code account}; problems go to {@code v}. The reports
   * take the same filters.
   */
  static DeviceDirectory.Query query(
      Validation v, Map<String, String> params, Optional<UUID> account) {
    Optional<DeviceDirectory.StatusFilter> status =
        enumParam(v, params, "status", DeviceDirectory.StatusFilter.class);
    Optional<String> q = Optional.ofNullable(params.get("q"));
    v.require(q.isEmpty() || q.get().length() <= 64, "q", "must be at most 64 characters");
    Optional<Plan> plan = enumParam(v, params, "plan", Plan.class);
    Optional<String> model = Optional.ofNullable(params.get("model"));
    v.require(
        model.isEmpty() || model.get().matches(MODEL),
        "model",
        "must match " + MODEL + ", e.g. SMT1500C");
    Optional<Boolean> outdated = Optional.empty();
    String rawOutdated = params.get("firmwareOutdated");
    if (rawOutdated != null) {
      if (rawOutdated.equals("true") || rawOutdated.equals("false")) {
        outdated = Optional.of(Boolean.parseBoolean(rawOutdated));
      } else {
        v.require(false, "firmwareOutdated", "must be one of [true, false]");
      }
    }
    DeviceDirectory.Sort sort = DeviceDirectory.Sort.SERIAL;
    if (params.containsKey("sort")) {
      Optional<DeviceDirectory.Sort> wanted = DeviceDirectory.Sort.fromWire(params.get("sort"));
      v.require(wanted.isPresent(), "sort", "must be one of " + DeviceDirectory.Sort.wireNames());
      sort = wanted.orElse(sort);
    }
    Optional<UUID> site = Optional.empty();
    if (params.containsKey("site")) {
      try {
        site = Optional.of(UUID.fromString(params.get("site")));
      } catch (IllegalArgumentException e) {
        v.require(false, "site", "must be a site id");
      }
    }
    return new DeviceDirectory.Query(account, status, q, plan, model, outdated, sort, site);
  }

  /**
   * Counts for the overview, over the principal's account (support: every account, or {@code
   * accountId}).
   */
  private Route counts(Principal p) {
    return parameterOptional(
        "accountId",
        accountParam -> {
          Validation v = new Validation();
          Optional<UUID> account = accountScope(v, p, accountParam);
          v.throwIfInvalid();
          return completeOk(
              api.directory
                  .counts(account)
                  .thenApply(
                      c ->
                          new DeviceCounts(
                              c.total(), c.byHealth(), c.byPlan(), c.firmwareOutdated())));
        });
  }

  /** The downsampled telemetry of one device, oldest first (default: the last 24 hours). */
  private Route telemetry(Principal p, String serial) {
    return parameterOptional(
        "from",
        from ->
            parameterOptional(
                "to",
                to ->
                    parameterOptional(
                        "maxPoints",
                        max -> {
                          Validation v = new Validation();
                          Instant now = api.clock.instant();
                          Instant toI = instantParam(v, "to", to).orElse(now.plusSeconds(1));
                          Instant fromI =
                              instantParam(v, "from", from)
                                  .orElse(toI.minus(DEFAULT_TELEMETRY_WINDOW));
                          v.require(!fromI.isAfter(toI), "from", "must not be after 'to'");
                          int maxPoints =
                              v.intParam(
                                  "maxPoints", max, MAX_TELEMETRY_POINTS, 1, MAX_TELEMETRY_POINTS);
                          v.throwIfInvalid();
                          return completeOk(
                              visibleSnapshot(p, serial)
                                  .thenCompose(s -> api.history.read(serial, fromI, toI, maxPoints))
                                  .thenApply(
                                      points ->
                                          new TelemetryHistoryView(
                                              serial,
                                              points.stream().map(DeviceRoutes::view).toList())));
                        })));
  }

  /**
   * The account a list or count covers: the principal's own for customers (naming another is a 400,
   * as before), the named one or every account for support.
   */
  private static Optional<UUID> accountScope(
      Validation v, Principal p, Optional<String> accountParam) {
    Optional<UUID> account = p.restrictedTo();
    if (accountParam.isPresent()) {
      try {
        UUID wanted = UUID.fromString(accountParam.get());
        if (account.isPresent() && !account.get().equals(wanted)) {
          v.require(false, "accountId", "is not an account you can see");
        }
        account = Optional.of(wanted);
      } catch (IllegalArgumentException e) {
        v.require(false, "accountId", "must be a UUID");
      }
    }
    return account;
  }

  /** An enum parameter matched case-insensitively; a 400 listing the allowed values otherwise. */
  private static <E extends Enum<E>> Optional<E> enumParam(
      Validation v, Map<String, String> params, String name, Class<E> type) {
    String raw = params.get(name);
    if (raw == null) return Optional.empty();
    try {
      return Optional.of(Enum.valueOf(type, raw.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      v.require(false, name, "must be one of " + Arrays.toString(type.getEnumConstants()));
      return Optional.empty();
    }
  }

  private Route events(Principal p, String serial) {
    return paging(
        (page, size) ->
            parameterOptional(
                "from",
                from ->
                    parameterOptional(
                        "to",
                        to -> {
                          Validation v = new Validation();
                          Instant now = api.clock.instant();
                          Instant toI = instantParam(v, "to", to).orElse(now.plusSeconds(1));
                          Instant fromI =
                              instantParam(v, "from", from).orElse(toI.minus(DEFAULT_EVENT_WINDOW));
                          v.require(!fromI.isAfter(toI), "from", "must not be after 'to'");
                          v.throwIfInvalid();
                          return completeOk(
                              visibleSnapshot(p, serial)
                                  .thenCompose(
                                      s -> api.directory.events(serial, fromI, toI, page, size))
                                  .thenApply(
                                      pg ->
                                          new PageView<>(
                                              pg.items().stream().map(DeviceRoutes::view).toList(),
                                              pg.page(),
                                              pg.size(),
                                              pg.total())));
                        })));
  }

  /**
   * The entity's view when the device exists and the principal may see it; 404 otherwise (and
   * audited).
   */
  CompletionStage<DeviceSnapshot> visibleSnapshot(Principal p, String serial) {
    if (!Serials.isValid(serial)) {
      return CompletableFuture.failedFuture(
          ApiException.notFound("no device " + abbreviate(serial)));
    }
    return api.devices
        .snapshot(serial)
        .thenApply(
            s -> {
              if (!s.registered()) throw ApiException.notFound("no device " + serial);
              if (!p.canSee(UUID.fromString(s.accountId()))) {
                api.audit.record(
                    p.username(),
                    p.accountId(),
                    "device.read",
                    serial,
                    "NOT_FOUND",
                    "device of another account");
                throw ApiException.notFound("no device " + serial);
              }
              return s;
            });
  }

  private static Optional<Instant> instantParam(Validation v, String name, Optional<String> raw) {
    if (raw.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Instant.parse(raw.get()));
    } catch (DateTimeParseException e) {
      v.require(false, name, "must be an ISO-8601 instant, e.g. 2026-11-28T10:00:00Z");
      return Optional.empty();
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 24) + "…";
  }

  /** One word for what matters most about a device: the order is the order of urgency. */
  static String health(
      boolean online, boolean lost, Set<StatusFlag> status, boolean temperatureHigh) {
    if (!online) return lost ? "CONNECTION_LOST" : "OFFLINE";
    if (status.contains(StatusFlag.LB)) return "LOW_BATTERY";
    if (status.contains(StatusFlag.OB)) return "ON_BATTERY";
    if (status.contains(StatusFlag.OVER)) return "OVERLOAD";
    if (temperatureHigh) return "TEMPERATURE_HIGH";
    if (status.contains(StatusFlag.RB)) return "REPLACE_BATTERY";
    return "OK";
  }

  static List<String> flags(Set<StatusFlag> status) {
    return status.stream().sorted().map(Enum::name).toList();
  }

  static DeviceView view(DeviceSnapshot s) {
    var t = s.telemetry();
    return new DeviceView(
        s.serial(),
        s.model(),
        s.accountId(),
        s.registeredAt(),
        new DeviceView.Connection(
            s.online(),
            s.connectedSince(),
            s.disconnectedAt(),
            s.remoteAddress(),
            s.lastSeen(),
            s.connectionLost()),
        flags(s.status()),
        health(s.online(), s.connectionLost(), s.status(), s.temperatureHigh()),
        s.firmware(),
        t == null
            ? null
            : new DeviceView.Telemetry(
                t.receivedAt(), t.deviceTime(), t.seq(), t.clockSkewed(), t.values()),
        new PlanView(
            s.plan().plan().name(), s.plan().source(), s.plan().startedAt(), s.plan().endsAt()),
        new DeviceView.Sensitivity(
            s.desiredSensitivity(), t == null ? null : t.text(TelemetryVariable.INPUT_SENSITIVITY)),
        s.firmwareAvailable());
  }

  static DeviceSummary summary(DeviceDirectory.Entry e) {
    return new DeviceSummary(
        e.serial(),
        e.model(),
        e.accountId().toString(),
        e.registeredAt(),
        e.online(),
        e.connectionLost(),
        flags(e.status()),
        health(e.online(), e.connectionLost(), e.status(), e.temperatureHigh()),
        e.firmware(),
        e.updatedAt(),
        e.plan().name(),
        e.firmwareAvailable());
  }

  static TelemetryHistoryView.Point view(TelemetryHistory.Point t) {
    return new TelemetryHistoryView.Point(
        t.at(),
        t.load(),
        t.charge(),
        t.runtime(),
        t.batteryTemperature(),
        t.inputVoltage(),
        t.outputVoltage(),
        t.status());
  }

  static DeviceEventView view(DeviceDirectory.LoggedEvent e) {
    return new DeviceEventView(
        e.seqNr(),
        e.serial(),
        e.type().name(),
        e.severity().name(),
        e.cause(),
        e.occurredAt(),
        e.deviceTime(),
        e.details());
  }
}
