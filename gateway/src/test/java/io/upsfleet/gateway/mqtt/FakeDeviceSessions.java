package io.upsfleet.gateway.mqtt;

import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.operation.CommandReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link DeviceSessions} for handler tests: one known device, attaches answered at once (epoch 7
 * unless told to refuse), events and command results left pending until the test completes them.
 * Records what the edge asked. Used on an embedded channel's single thread.
 */
final class FakeDeviceSessions implements DeviceSessions {
  static final UUID ACCOUNT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  static final long EPOCH = 7;

  private final Map<String, String> secrets;
  boolean refuseAttach;
  final List<String> attached = new ArrayList<>();
  final List<String> detached = new ArrayList<>();
  final List<Telemetry> samples = new ArrayList<>();
  final List<DeviceEventReport> events = new ArrayList<>();
  final ArrayDeque<CompletableFuture<Void>> pendingEvents = new ArrayDeque<>();
  final ArrayDeque<CompletableFuture<Void>> pendingSamples = new ArrayDeque<>();
  final List<String> published = new ArrayList<>();
  final List<String> delivered = new ArrayList<>();
  Connection connection;
  final List<String> audits = new ArrayList<>();

  FakeDeviceSessions(String serial, String secret) {
    this.secrets = Map.of(serial, secret);
  }

  @Override
  public CompletionStage<Optional<UUID>> authenticate(String serial, byte[] secret) {
    String known = secrets.get(serial);
    boolean ok = known != null && Arrays.equals(known.getBytes(StandardCharsets.UTF_8), secret);
    return CompletableFuture.completedFuture(ok ? Optional.of(ACCOUNT) : Optional.empty());
  }

  @Override
  public CompletionStage<Optional<UUID>> authenticateCertified(String serial) {
    return CompletableFuture.completedFuture(
        secrets.containsKey(serial) ? Optional.of(ACCOUNT) : Optional.empty());
  }

  @Override
  public CompletionStage<Long> attach(String serial, String remoteAddress, Connection connection) {
    attached.add(serial);
    this.connection = connection;
    return refuseAttach
        ? CompletableFuture.failedFuture(new IllegalStateException("attach refused"))
        : CompletableFuture.completedFuture(EPOCH);
  }

  @Override
  public void detach(String serial, long epoch, String reason) {
    detached.add(serial + "/" + epoch + "/" + reason);
  }

  @Override
  public TelemetrySink telemetry(String serial) {
    return new TelemetrySink() {
      @Override
      public void record(long epoch, Telemetry sample) {
        samples.add(sample);
      }

      @Override
      public CompletionStage<Void> recordStored(long epoch, Telemetry sample, boolean dup) {
        samples.add(sample);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        pendingSamples.add(stored);
        return stored;
      }
    };
  }

  @Override
  public CompletionStage<Void> recordEvent(String serial, long epoch, DeviceEventReport report) {
    events.add(report);
    CompletableFuture<Void> persisted = new CompletableFuture<>();
    pendingEvents.add(persisted);
    return persisted;
  }

  @Override
  public CompletionStage<Void> recordOperationResult(
      String serial, long epoch, CommandReport report) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void operationPublished(String serial, long epoch, String commandId) {
    published.add(commandId);
  }

  @Override
  public void operationDelivered(String serial, long epoch, String commandId) {
    delivered.add(commandId);
  }

  @Override
  public void audit(
      String actor, UUID accountId, String action, String target, String outcome, String details) {
    audits.add(actor + " " + action + " " + target + " " + outcome);
  }
}
