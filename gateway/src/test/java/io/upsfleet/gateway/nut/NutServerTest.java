package io.upsfleet.gateway.nut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.gateway.http.FailureThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The listener's connection bound, on a real socket; the cluster behind it is not needed (every
 * service call fails, which this test never reaches).
 */
class NutServerTest {
  private static final NutServices NONE =
      new NutServices() {
        @Override
        public CompletionStage<Optional<Principal>> signIn(String username, String password) {
          return CompletableFuture.failedFuture(new IllegalStateException("not here"));
        }

        @Override
        public CompletionStage<List<Listed>> devices(Optional<UUID> account, int max) {
          return CompletableFuture.failedFuture(new IllegalStateException("not here"));
        }

        @Override
        public CompletionStage<DeviceSnapshot> snapshot(String serial) {
          return CompletableFuture.failedFuture(new IllegalStateException("not here"));
        }

        @Override
        public CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial) {
          return CompletableFuture.failedFuture(new IllegalStateException("not here"));
        }

        @Override
        public CompletionStage<UpsDevice.OperationReply> requestOperation(
            String serial, Operation operation, String by) {
          return CompletableFuture.failedFuture(new IllegalStateException("not here"));
        }

        @Override
        public void onRevocation(Consumer<Accounts.Revocation> listener) {}

        @Override
        public void audit(AuditLog.Record record) {}
      };

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtOnce() {
    NutSettings settings =
        new NutSettings(
            "127.0.0.1",
            NutSettings.ANY_PORT,
            512,
            3,
            Duration.ofSeconds(30),
            1,
            Set.of(),
            false,
            10);
    try (NutServer server =
        NutServer.start(
            settings,
            NONE,
            new FailureThrottle(5, Duration.ofSeconds(1)),
            new FailureThrottle(5, Duration.ofSeconds(1)),
            null)) {
      List<NutLine> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          NutLine c = new NutLine(server.port());
          open.add(c);
          assertThat(c.ask("NETVER")).isEqualTo("1.3");
        }
        try (NutLine fourth = new NutLine(server.port())) {
          assertThat(fourth.closedByServer()).as("the fourth connection").isTrue();
        }
        open.remove(0).close();
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () -> {
                  try (NutLine c = new NutLine(server.port())) {
                    return "1.3".equals(c.ask("NETVER"));
                  }
                });
      } finally {
        open.forEach(NutLine::close);
      }
    }
  }
}
