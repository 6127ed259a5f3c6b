package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.FirmwareRelease;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.FirmwareCatalog;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/devices/{serial}/commands}: request a remote operation (202, with {@code
 * Idempotency-Key} support), list (paged) and read operations, cancel a pending one; {@code
 * /api/v1/devices/{serial}/operations}, which operations the device may be asked now and why not;
 * and {@code /api/v1/firmware}, the catalogue. The device is checked for visibility before anything
 * is asked of it: another account's device is a 404 and nothing happens to it.
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
                    get(() -> paging((page, size) -> completeOk(page(p, serial, page, size)))))),
        pathPrefix(
            id ->
                concat(
                    pathEnd(() -> get(() -> completeOk(one(p, serial, id)))),
                    path("cancel", () -> post(() -> cancel(p, serial, id))))));
  }

  /** {@code GET /api/v1/devices/{serial}/operations}. */
  Route allowed(Principal p, String serial) {
    return completeOk(
        visible
            .apply(p, serial)
            .thenCompose(s -> api.devices.allowedOperations(serial))
            .thenApply(
                reply ->
                    ((UpsDevice.Allowances) expect(reply, UpsDevice.Allowances.class))
                        .operations().stream().map(CommandRoutes::allowanceView).toList()));
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

  private CompletionStage<PageView<CommandView>> page(
      Principal p, String serial, int page, int size) {
    return visible
        .apply(p, serial)
        .thenCompose(s -> api.devices.operations(serial, page * size, size))
        .thenApply(
            reply -> {
              var list = (UpsDevice.OperationPage) expect(reply, UpsDevice.OperationPage.class);
              return new PageView<>(
                  list.commands().stream().map(c -> view(serial, c)).toList(),
                  page,
                  size,
                  list.total());
            });
  }

  private CompletionStage<CommandView> one(Principal p, String serial, String id) {
    return visible
        .apply(p, serial)
        .thenCompose(s -> api.devices.operations(serial, 0, 1000))
        .thenApply(
            reply ->
                ((UpsDevice.OperationPage) expect(reply, UpsDevice.OperationPage.class))
                    .commands().stream()
                        .filter(c -> c.id().equals(id))
                        .findFirst()
                        .map(c -> view(serial, c))
                        .orElseThrow(() -> ApiException.notFound("no command " + id)));
  }

  private Route cancel(Principal p, String serial, String id) {
    return completeOk(
        visible
            .apply(p, serial)
            .thenCompose(s -> api.devices.cancelOperation(serial, id, p.username()))
            .thenApply(reply -> accepted(serial, reply)));
  }

  private Route request(Principal p, String serial, CommandRequest req, Optional<String> key) {
    Validation v = new Validation();
    int ttl = req.ttlSeconds() == null ? 3600 : req.ttlSeconds();
    v.require(ttl >= 10 && ttl <= 604_800, "ttlSeconds", "must be 10 to 604800");
    v.require(
        key.isEmpty() || (key.get().length() <= 128 && !key.get().isBlank()),
        "Idempotency-Key",
        "must be 1 to 128 characters");
    Operation operation = operation(req, v);
    v.throwIfInvalid();
    CompletionStage<CommandView> done =
        visible
            .apply(p, serial)
            .thenCompose(
                s ->
                    api.devices.requestOperation(
                        serial,
                        operation,
                        Duration.ofSeconds(ttl),
                        p.username(),
                        key.map(k -> p.userId() + ":" + k).orElse(null)))
            .thenApply(reply -> accepted(serial, reply));
    return completeJson(StatusCodes.ACCEPTED, done);
  }

  /** The typed operation of a request, or null with the reasons in {@code v}. */
  private static Operation operation(CommandRequest req, Validation v) {
    if (req instanceof CommandRequest.OutletGroupReboot r) {
      v.require(
          r.group() != null && r.group() >= 0 && r.group() <= 2,
          "group",
          "must be one of [0, 1, 2] (0 = main outlet group, 1-2 = switched outlet groups)");
      int off = r.offDelaySeconds() == null ? 5 : r.offDelaySeconds();
      int on = r.onDelaySeconds() == null ? 10 : r.onDelaySeconds();
      v.require(
          off >= 0 && off <= Operation.OutletGroupReboot.MAX_OFF_DELAY,
          "offDelaySeconds",
          "must be 0 to " + Operation.OutletGroupReboot.MAX_OFF_DELAY);
      v.require(
          on >= 0 && on <= Operation.OutletGroupReboot.MAX_ON_DELAY,
          "onDelaySeconds",
          "must be 0 to " + Operation.OutletGroupReboot.MAX_ON_DELAY);
      return v.ok() ? new Operation.OutletGroupReboot(r.group(), off, on) : null;
    }
    if (req instanceof CommandRequest.FirmwareUpgrade f) {
      v.require(
          f.version() == null || FirmwareCatalog.parse(f.version()).isPresent(),
          "version",
          "must look like 'UPS 09.8 / ID=18'; see GET /api/v1/firmware");
      return new Operation.FirmwareUpgrade(f.version(), false);
    }
    if (req instanceof CommandRequest.SetInputSensitivity i) {
      Optional<Operation.Sensitivity> level = Operation.Sensitivity.fromWire(i.sensitivity());
      v.require(level.isPresent(), "sensitivity", "must be one of " + SENSITIVITIES);
      return level.map(Operation.SetInputSensitivity::new).orElse(null);
    }
    return new Operation.SelfTest();
  }

  /** The reply when it is of {@code type}; a refusal becomes its problem. */
  private static UpsDevice.OperationReply expect(UpsDevice.OperationReply reply, Class<?> type) {
    if (type.isInstance(reply)) return reply;
    throw problem((UpsDevice.OperationRefused) reply);
  }

  private static CommandView accepted(String serial, UpsDevice.OperationReply reply) {
    if (reply instanceof UpsDevice.OperationAccepted a) return view(serial, a.command());
    throw problem((UpsDevice.OperationRefused) reply);
  }

  /** Where each refusal of an operation maps to its HTTP status (only here). */
  private static ApiException problem(UpsDevice.OperationRefused r) {
    return switch (r.reason()) {
      case PLAN -> ApiException.forbidden(r.message());
      case CONFLICT, NOT_CANCELLABLE -> ApiException.conflict(r.message());
      case UNSUPPORTED -> ApiException.badRequest(r.message());
      case NOT_REGISTERED, NOT_FOUND -> ApiException.notFound(r.message());
      case TOO_MANY -> ApiException.tooMany(r.message(), 60);
      case UNAVAILABLE -> ApiException.unavailable(r.message());
    };
  }

  private static OperationAllowanceView allowanceView(OperationAllowance a) {
    return new OperationAllowanceView(
        a.type().name(),
        a.allowed(),
        a.reason(),
        a.requiredPlan() == null ? null : a.requiredPlan().name(),
        a.type() == CommandType.OUTLET_GROUP_REBOOT ? a.outletGroups() : null,
        a.firmwareTarget());
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
