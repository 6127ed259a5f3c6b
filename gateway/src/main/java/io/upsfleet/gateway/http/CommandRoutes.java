package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.FirmwareRelease;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.FirmwareCatalog;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/devices/{serial}/commands}: request a remote operation (202, with {@code
 * Idempotency-Key} support), list and read commands, cancel a pending one; and {@code
 * /api/v1/firmware}, the catalogue. The device is checked for visibility before anything is asked
 * of it: another account's device is a 404 and nothing happens to it.
 */
final class CommandRoutes extends ApiDirectives {
  private static final List<String> SENSITIVITIES = List.of("high", "medium", "low");
  private final BiFunction<Principal, String, CompletionStage<DeviceSnapshot>> visible;

  CommandRoutes(
      ApiContext api, BiFunction<Principal, String, CompletionStage<DeviceSnapshot>> visible) {
    super(api);
    this.visible = visible;
  }

  Route routes(Principal p, String serial) {
    return concat(
        pathEnd(
            () ->
                concat(
                    post(
                        () ->
                            optionalHeaderValueByName(
                                "Idempotency-Key",
                                key ->
                                    jsonBody(
                                        CommandRequest.class,
                                        req -> request(p, serial, req, key)))),
                    get(
                        () ->
                            completeOk(
                                visible
                                    .apply(p, serial)
                                    .thenCompose(s -> api.devices.commands(serial))
                                    .thenApply(
                                        reply ->
                                            ((UpsDevice.OperationPage) reply)
                                                .commands().stream()
                                                    .map(c -> view(serial, c))
                                                    .toList()))))),
        pathPrefix(
            id ->
                concat(
                    pathEnd(
                        () ->
                            get(
                                () ->
                                    completeOk(
                                        visible
                                            .apply(p, serial)
                                            .thenCompose(s -> api.devices.commands(serial))
                                            .thenApply(
                                                reply ->
                                                    ((UpsDevice.OperationPage) reply)
                                                        .commands().stream()
                                                            .filter(c -> c.id().equals(id))
                                                            .findFirst()
                                                            .map(c -> view(serial, c))
                                                            .orElseThrow(
                                                                () ->
                                                                    ApiException.notFound(
                                                                        "no command " + id)))))),
                    path(
                        "cancel",
                        () ->
                            post(
                                () -> {
                                  requireOperator(p);
                                  return completeOk(
                                      visible
                                          .apply(p, serial)
                                          .thenCompose(
                                              s ->
                                                  api.devices.cancelCommand(
                                                      serial, id, p.username()))
                                          .thenApply(reply -> accepted(serial, reply)));
                                })))));
  }

  /** {@code GET /api/v1/firmware}. */
  Route firmware() {
    return authenticated(
        p ->
            pathEnd(
                () ->
                    get(
                        () ->
                            complete(
                                StatusCodes.OK,
                                FirmwareCatalog.all().stream()
                                    .map(
                                        r ->
                                            new FirmwareRelease(
                                                r.family(),
                                                r.platformId(),
                                                r.version().render(),
                                                r.releaseNotes(),
                                                r.loadUnprotectedDuringUpgrade()))
                                    .toList(),
                                Json.marshaller()))));
  }

  private Route request(Principal p, String serial, CommandRequest req, Optional<String> key) {
    requireOperator(p);
    Validation v = new Validation();
    Optional<CommandType> type =
        Arrays.stream(CommandType.values()).filter(t -> t.name().equals(req.type())).findFirst();
    v.require(type.isPresent(), "type", "must be one of " + Arrays.toString(CommandType.values()));
    int ttl = req.ttlSeconds() == null ? 3600 : req.ttlSeconds();
    v.require(ttl >= 10 && ttl <= 604_800, "ttlSeconds", "must be 10 to 604800");
    v.require(
        key.isEmpty() || (key.get().length() <= 128 && !key.get().isBlank()),
        "Idempotency-Key",
        "must be 1 to 128 characters");
    TreeMap<String, String> params = new TreeMap<>();
    if (type.isPresent()) {
      switch (type.get()) {
        case OUTLET_GROUP_REBOOT -> {
          v.require(
              req.group() != null && req.group() >= 0 && req.group() <= 2,
              "group",
              "must be one of [0, 1, 2] (0 = main outlet group, 1-2 = switched outlet groups)");
          int off = req.offDelaySeconds() == null ? 5 : req.offDelaySeconds();
          int on = req.onDelaySeconds() == null ? 10 : req.onDelaySeconds();
          v.require(off >= 0 && off <= 600, "offDelaySeconds", "must be 0 to 600");
          v.require(on >= 0 && on <= 3600, "onDelaySeconds", "must be 0 to 3600");
          params.put("group", String.valueOf(req.group()));
          params.put("offDelaySeconds", Integer.toString(off));
          params.put("onDelaySeconds", Integer.toString(on));
        }
        case FIRMWARE_UPGRADE -> {
          v.require(
              req.version() == null || FirmwareCatalog.parse(req.version()).isPresent(),
              "version",
              "must look like 'UPS 09.8 / ID=18'; see GET /api/v1/firmware");
          if (req.version() != null) params.put("version", req.version());
        }
        case SET_INPUT_SENSITIVITY -> {
          v.require(
              req.sensitivity() != null && SENSITIVITIES.contains(req.sensitivity()),
              "sensitivity",
              "must be one of " + SENSITIVITIES);
          params.put("sensitivity", String.valueOf(req.sensitivity()));
        }
        case SELF_TEST -> {}
      }
      boolean extraneous =
          switch (type.get()) {
            case OUTLET_GROUP_REBOOT -> req.version() != null || req.sensitivity() != null;
            case FIRMWARE_UPGRADE -> req.group() != null || req.sensitivity() != null;
            case SET_INPUT_SENSITIVITY -> req.group() != null || req.version() != null;
            case SELF_TEST ->
                req.group() != null || req.version() != null || req.sensitivity() != null;
          };
      v.require(!extraneous, "type", "has parameters that do not belong to " + type.get());
    }
    v.throwIfInvalid();
    CompletionStage<CommandView> done =
        visible
            .apply(p, serial)
            .thenCompose(
                s ->
                    api.devices.requestCommand(
                        serial,
                        type.get(),
                        params,
                        Duration.ofSeconds(ttl),
                        p.username(),
                        key.map(k -> p.userId() + ":" + k).orElse(null)))
            .thenApply(
                reply -> {
                  CommandView view = accepted(serial, reply);
                  api.audit.record(
                      p.username(),
                      p.accountId(),
                      "device.command",
                      serial,
                      "OK",
                      type.get() + " " + view.id());
                  return view;
                });
    return completeJson(StatusCodes.ACCEPTED, done);
  }

  private void requireOperator(Principal p) {
    if (p.role() == Role.ACCOUNT_VIEWER)
      throw ApiException.forbidden("viewers cannot operate devices");
  }

  private static CommandView accepted(String serial, UpsDevice.OperationReply reply) {
    if (reply instanceof UpsDevice.OperationAccepted a) return view(serial, a.command());
    UpsDevice.OperationRefused r = (UpsDevice.OperationRefused) reply;
    throw switch (r.reason()) {
      case PLAN -> ApiException.forbidden(r.message());
      case CONFLICT, NOT_CANCELLABLE -> ApiException.conflict(r.message());
      case UNSUPPORTED -> ApiException.badRequest(r.message());
      case NOT_REGISTERED, NOT_FOUND -> ApiException.notFound(r.message());
    };
  }

  static CommandView view(String serial, DeviceCommand c) {
    return new CommandView(
        c.id(),
        serial,
        c.type().name(),
        c.params(),
        c.status().name(),
        c.progress(),
        c.reason(),
        c.requestedBy(),
        c.requestedAt(),
        c.expiresAt(),
        c.sentAt(),
        c.updatedAt());
  }
}
