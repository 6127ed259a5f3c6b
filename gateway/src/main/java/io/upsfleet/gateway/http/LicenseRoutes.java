package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PlanView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.RedeemRequest;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.licensing.ActivationCodes;
import io.upsfleet.cluster.licensing.LicenseOrder;
import io.upsfleet.cluster.licensing.Licensing;
import io.upsfleet.cluster.licensing.LicensingException;
import io.upsfleet.cluster.plan.Sku;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Licensing: purchase orders and their codes (support), redeeming codes and assigning entitlements
 * (account admins; support on behalf of an account), a device's plan, an account's entitlements,
 * the SKU list. Wrong codes are throttled per user: a few are free, then one per 30 s.
 */
final class LicenseRoutes extends ApiDirectives {
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{1,63}");
  private static final Pattern PO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}");
  private static final int MAX_SERIALS = 500;
  private final FailureThrottle codeGuesses = new FailureThrottle(5, Duration.ofSeconds(30));

  LicenseRoutes(ApiContext api) {
    super(api);
  }

  private ApiServices.LicenseService licensing() {
    return api.licensing;
  }

  Route orders() {
    return authenticated(
        p ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            post(
                                () ->
                                    jsonBody(
                                        LicenseOrderRequest.class, req -> createOrder(p, req))),
                            get(
                                () ->
                                    paging(
                                        (page, size) ->
                                            completeOk(
                                                licensing()
                                                    .orders(p.restrictedTo(), page, size)
                                                    .thenApply(
                                                        list ->
                                                            new PageView<>(
                                                                list.stream()
                                                                    .map(o -> summary(o))
                                                                    .toList(),
                                                                page,
                                                                size,
                                                                -1))))))),
                pathPrefix(
                    id -> {
                      UUID orderId = pathId(id);
                      return concat(
                          pathEnd(() -> get(() -> completeOk(visibleOrder(p, orderId)))),
                          path(
                              "resend",
                              () ->
                                  post(
                                      () -> {
                                        return completeJson(
                                            StatusCodes.ACCEPTED,
                                            licensing()
                                                .resend(orderId, p.username())
                                                .thenApply(o -> view(o, true)));
                                      })));
                    })));
  }

  Route codes() {
    return authenticated(
        p ->
            pathPrefix(
                code ->
                    path(
                        "redeem",
                        () ->
                            post(
                                () -> {
                                  guard(p);
                                  return optionalBody(
                                      RedeemRequest.class,
                                      req -> {
                                        UUID account =
                                            accountFor(p, req == null ? null : req.accountId());
                                        return completeOk(
                                            guarded(
                                                p,
                                                licensing()
                                                    .redeem(code, account, p.username())
                                                    .thenApply(o -> view(o, false))));
                                      });
                                }))));
  }

  Route assignments() {
    return authenticated(
        p ->
            pathEnd(
                () ->
                    post(
                        () ->
                            optionalHeaderValueByName(
                                "Idempotency-Key",
                                key ->
                                    jsonBody(
                                        AssignmentRequest.class,
                                        req -> {
                                          guard(p);
                                          Validation v = new Validation();
                                          v.require(req.code() != null, "code", "is required");
                                          v.require(
                                              req.serials() != null
                                                  && !req.serials().isEmpty()
                                                  && req.serials().size() <= MAX_SERIALS,
                                              "serials",
                                              "1 to " + MAX_SERIALS + " serials are required");
                                          v.require(
                                              req.serials() == null
                                                  || new HashSet<>(req.serials()).size()
                                                      == req.serials().size(),
                                              "serials",
                                              "must not repeat a serial");
                                          v.require(
                                              req.skus() == null || req.skus().size() <= 10,
                                              "skus",
                                              "at most 10");
                                          if (req.skus() != null) {
                                            for (String s : req.skus()) {
                                              v.require(
                                                  Sku.parse(s).isPresent(),
                                                  "skus",
                                                  "unknown SKU " + s + "; see GET /api/v1/skus");
                                            }
                                          }
                                          v.require(
                                              key.isEmpty() || key.get().length() <= 128,
                                              "Idempotency-Key",
                                              "at most 128 characters");
                                          v.throwIfInvalid();
                                          UUID account = accountFor(p, req.accountId());
                                          boolean preview = Boolean.TRUE.equals(req.preview());
                                          if (!preview
                                              && !AccessRules.ASSIGN_FOR_REAL.contains(p.role()))
                                            throw ApiException.forbidden(
                                                "the role "
                                                    + p.role()
                                                    + " may only preview an assignment");
                                          CompletionStage<AssignmentResult> done =
                                              licensing()
                                                  .assign(
                                                      req.code(),
                                                      account,
                                                      req.serials(),
                                                      req.skus() == null ? List.of() : req.skus(),
                                                      preview,
                                                      p.username(),
                                                      key.orElse(null))
                                                  .thenApply(
                                                      outcomes ->
                                                          new AssignmentResult(
                                                              preview,
                                                              outcomes.stream()
                                                                  .map(
                                                                      o ->
                                                                          new AssignmentResult
                                                                              .DeviceResult(
                                                                              o.serial(),
                                                                              o.assignmentIds(),
                                                                              plan(o.plan())))
                                                                  .toList()));
                                          return completeOk(guarded(p, done));
                                        })))));
  }

  /** {@code GET /api/v1/devices/{serial}/plan}. */
  Route devicePlan(Principal p, String serial) {
    return completeOk(
        api.devices
            .plan(serial)
            .thenApply(
                reply -> {
                  if (!(reply instanceof UpsDevice.PlanSummary s)
                      || !p.canSee(UUID.fromString(s.accountId()))) {
                    throw ApiException.notFound("no device " + serial);
                  }
                  return plan(s);
                }));
  }

  /** {@code GET /api/v1/accounts/{id}/entitlements}. */
  Route entitlements(UUID account) {
    return get(
        () ->
            completeOk(
                licensing()
                    .entitlements(account)
                    .thenApply(
                        list ->
                            list.stream()
                                .map(
                                    l ->
                                        new EntitlementView(
                                            l.sku(),
                                            l.quantity(),
                                            l.bonus(),
                                            l.used(),
                                            l.pending(),
                                            l.available()))
                                .toList())));
  }

  /** {@code GET /api/v1/skus}. */
  Route skus() {
    return authenticated(
        p ->
            pathEnd(
                () ->
                    get(
                        () -> {
                          List<Map<String, Object>> out = new ArrayList<>();
                          for (String code : Sku.LICENSE_SKUS)
                            out.add(skuView(Sku.parse(code).orElseThrow()));
                          for (String code : Sku.WARRANTY_SKUS)
                            out.add(skuView(Sku.parse(code).orElseThrow()));
                          return complete(StatusCodes.OK, out, Json.marshaller());
                        })));
  }

  private static Map<String, Object> skuView(Sku s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sku", s.code());
    m.put("kind", s.kind().name());
    if (s.plan() != null) m.put("plan", s.plan().name());
    m.put("term", s.term().toString());
    return m;
  }

  private Route createOrder(Principal p, LicenseOrderRequest req) {
    Validation v = new Validation();
    v.require(
        req.poNumber() != null && PO.matcher(req.poNumber()).matches(),
        "poNumber",
        "is required: 1 to 64 letters, digits, spaces, . _ / -");
    v.require(
        "ONLINE".equals(req.channel()) || "PARTNER".equals(req.channel()),
        "channel",
        "must be one of [ONLINE, PARTNER]");
    v.require(
        req.installerEmail() != null && EMAIL.matcher(req.installerEmail()).matches(),
        "installerEmail",
        "must be an e-mail address");
    List<Licensing.LineRequest> lines = new ArrayList<>();
    if (req.lines() != null && !req.lines().isEmpty()) {
      v.require(
          req.sku() == null && req.quantity() == null,
          "sku",
          "give either sku and quantity, or lines");
      v.require(req.lines().size() <= 20, "lines", "at most 20");
      for (LicenseOrderRequest.Line l : req.lines()) line(v, l.sku(), l.quantity(), lines);
    } else {
      line(v, req.sku(), req.quantity(), lines);
    }
    v.require(
        lines.stream().map(Licensing.LineRequest::sku).distinct().count() == lines.size(),
        "lines",
        "must not repeat a SKU");
    v.throwIfInvalid();
    return completeJson(
        StatusCodes.CREATED,
        licensing()
            .createOrder(req.poNumber(), lines, req.channel(), req.installerEmail(), p.username())
            .thenApply(o -> view(o, true)));
  }

  private static void line(
      Validation v, String sku, Integer quantity, List<Licensing.LineRequest> out) {
    boolean ok = sku != null && Sku.parse(sku).isPresent();
    v.require(ok, "sku", "must be one of " + Sku.LICENSE_SKUS + " or " + Sku.WARRANTY_SKUS);
    v.require(
        quantity != null && quantity >= 1 && quantity <= 10_000, "quantity", "must be 1 to 10000");
    if (ok && quantity != null) out.add(new Licensing.LineRequest(sku, quantity));
  }

  private CompletionStage<LicenseOrderView> visibleOrder(Principal p, UUID orderId) {
    return licensing()
        .get(orderId)
        .handle(
            (o, err) -> {
              if (err != null) {
                Throwable e = Problems.unwrap(err);
                if (e instanceof LicensingException le
                    && le.reason() == LicenseOrder.Reason.NOT_FOUND) {
                  throw ApiException.notFound("no order " + orderId);
                }
                throw new CompletionException(e);
              }
              if (!p.role().isSupport() && !p.canSee(o.accountId()))
                throw ApiException.notFound("no order " + orderId);
              return view(o, p.role().isSupport());
            });
  }

  /**
   * The account acted for: support names it; a customer acts for their own (admins only change
   * things).
   */
  private UUID accountFor(Principal p, String requested) {
    if (p.role().isSupport()) {
      if (requested == null)
        throw ApiException.invalid(
            List.of(new Problem.FieldError("accountId", "is required for support users")));
      try {
        return UUID.fromString(requested);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(List.of(new Problem.FieldError("accountId", "must be a UUID")));
      }
    }
    if (requested != null && !requested.equals(p.accountId().toString()))
      throw ApiException.notFound("no account " + requested);
    return p.accountId();
  }

  /** Refuses a user who guessed too many wrong codes lately. */
  private void guard(Principal p) {
    OptionalInt wait = codeGuesses.check(p.userId().toString());
    if (wait.isPresent()) throw ApiException.tooManyRequests(wait.getAsInt());
  }

  /** Counts a wrong code against the user. */
  private <T> CompletionStage<T> guarded(Principal p, CompletionStage<T> stage) {
    return stage.whenComplete(
        (ok, err) -> {
          if (err != null
              && Problems.unwrap(err) instanceof LicensingException le
              && le.reason() == LicenseOrder.Reason.NOT_FOUND
              && le.getMessage().contains("code")) {
            codeGuesses.failed(p.userId().toString());
          }
        });
  }

  static LicenseOrderView view(LicenseOrder.OrderView o, boolean withCode) {
    List<EntitlementView> lines =
        o.lines().stream()
            .map(
                l ->
                    new EntitlementView(
                        l.sku(),
                        l.quantity(),
                        l.bonus(),
                        o.used().getOrDefault(l.sku(), 0),
                        o.pending().getOrDefault(l.sku(), 0),
                        o.available().getOrDefault(l.sku(), 0)))
            .toList();
    return new LicenseOrderView(
        o.orderId(),
        o.poNumber(),
        o.channel(),
        o.installerEmail(),
        withCode ? o.code() : null,
        ActivationCodes.hint(o.code()),
        o.accountId() == null ? null : o.accountId().toString(),
        o.redeemedAt(),
        o.createdAt(),
        o.createdBy(),
        lines);
  }

  static LicenseOrderView summary(Licensing.OrderSummary o) {
    return new LicenseOrderView(
        o.orderId().toString(),
        o.poNumber(),
        o.channel(),
        o.installerEmail(),
        null,
        o.codeHint(),
        o.accountId() == null ? null : o.accountId().toString(),
        o.redeemedAt(),
        o.createdAt(),
        o.createdBy(),
        o.lines().stream()
            .map(
                l ->
                    new EntitlementView(
                        l.sku(), l.quantity(), l.bonus(), l.used(), l.pending(), l.available()))
            .toList());
  }

  static DevicePlanView plan(UpsDevice.PlanSummary s) {
    return new DevicePlanView(
        s.serial(),
        new PlanView(
            s.current().plan().name(),
            s.current().source(),
            s.current().startedAt(),
            s.current().endsAt()),
        s.coveredUntil(),
        s.terms().stream()
            .map(
                t ->
                    new DevicePlanView.Term(
                        t.plan().name(),
                        t.start(),
                        t.end(),
                        t.source().name(),
                        t.sku(),
                        t.assignmentId()))
            .toList(),
        s.warrantyEnds(),
        s.batteryWarrantyEnds());
  }
}
