package io.upsfleet.gateway.http;

import io.upsfleet.api.Serials;
import io.upsfleet.api.rest.RolloutRequest;
import io.upsfleet.api.rest.RolloutView;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.command.FirmwareRollout;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/firmware-rollouts}: start a rolling firmware upgrade over devices of one account,
 * read its progress, pause, resume or abort it. Another account's rollout is a 404.
 */
final class RolloutRoutes extends ApiDirectives {
  RolloutRoutes(ApiContext api) {
    super(api);
  }

  Route routes() {
    return authenticated(
        p ->
            concat(
                pathEnd(() -> post(() -> jsonBody(RolloutRequest.class, req -> start(p, req)))),
                pathPrefix(
                    id ->
                        concat(
                            pathEnd(() -> get(() -> completeOk(visible(p, id)))),
                            path(
                                "pause",
                                () -> post(() -> act(p, id, by -> api.rollouts.pause(id, by)))),
                            path(
                                "resume",
                                () -> post(() -> act(p, id, by -> api.rollouts.resume(id, by)))),
                            path(
                                "abort",
                                () -> post(() -> act(p, id, by -> api.rollouts.abort(id, by))))))));
  }

  private Route start(Principal p, RolloutRequest req) {
    Validation v = new Validation();
    v.require(
        req.serials() != null && !req.serials().isEmpty() && req.serials().size() <= 10_000,
        "serials",
        "1 to 10000 serials are required");
    v.require(
        req.serials() == null || req.serials().stream().allMatch(Serials::isValid),
        "serials",
        "every serial must match " + Serials.PATTERN);
    v.require(
        req.serials() == null || new HashSet<>(req.serials()).size() == req.serials().size(),
        "serials",
        "must not repeat a serial");
    int concurrency = req.concurrency() == null ? 5 : req.concurrency();
    int abortAfter = req.abortAfterFailures() == null ? 3 : req.abortAfterFailures();
    v.require(concurrency >= 1 && concurrency <= 100, "concurrency", "must be 1 to 100");
    v.require(abortAfter >= 1 && abortAfter <= 1000, "abortAfterFailures", "must be 1 to 1000");
    UUID account = null;
    if (p.role().isSupport()) {
      try {
        account = UUID.fromString(String.valueOf(req.accountId()));
      } catch (IllegalArgumentException e) {
        v.require(false, "accountId", "is required for support users (a UUID)");
      }
    } else {
      account = p.accountId();
      v.require(
          req.accountId() == null || req.accountId().equals(account.toString()),
          "accountId",
          "is not an account you can manage");
    }
    v.throwIfInvalid();
    String accountId = account.toString();
    List<CompletableFuture<Void>> checks =
        req.serials().stream()
            .map(
                serial ->
                    api.devices
                        .snapshot(serial)
                        .thenAccept(
                            s -> {
                              if (!s.registered() || !accountId.equals(s.accountId()))
                                throw ApiException.notFound("no device " + serial);
                            })
                        .toCompletableFuture())
            .toList();
    CompletionStage<RolloutView> done =
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
            .thenCompose(
                x ->
                    api.rollouts.start(
                        accountId, req.serials(), concurrency, abortAfter, p.username()))
            .thenApply(RolloutRoutes::view);
    return completeJson(StatusCodes.CREATED, done);
  }

  private CompletionStage<RolloutView> visible(Principal p, String id) {
    return api.rollouts
        .get(id)
        .thenApply(
            reply -> {
              if (!(reply instanceof FirmwareRollout.View v)
                  || !p.canSee(UUID.fromString(v.rollout().accountId()))) {
                throw ApiException.notFound("no rollout " + id);
              }
              return view(reply);
            });
  }

  private Route act(
      Principal p, String id, Function<String, CompletionStage<FirmwareRollout.Reply>> action) {
    return completeOk(
        visible(p, id).thenCompose(v -> action.apply(p.username())).thenApply(RolloutRoutes::view));
  }

  static RolloutView view(FirmwareRollout.Reply reply) {
    if (reply instanceof FirmwareRollout.Refused r) throw ApiException.conflict(r.reason());
    FirmwareRollout.RolloutView r = ((FirmwareRollout.View) reply).rollout();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (FirmwareRollout.Step step : FirmwareRollout.Step.values()) counts.put(step.name(), 0);
    Map<String, RolloutView.Device> devices = new LinkedHashMap<>();
    r.devices()
        .forEach(
            (serial, d) -> {
              counts.merge(d.step().name(), 1, Integer::sum);
              devices.put(
                  serial, new RolloutView.Device(d.step().name(), d.commandId(), d.reason()));
            });
    return new RolloutView(
        r.id(),
        r.accountId(),
        r.phase().name(),
        r.concurrency(),
        r.abortAfterFailures(),
        counts,
        devices,
        r.createdBy(),
        r.createdAt(),
        r.updatedAt());
  }
}
