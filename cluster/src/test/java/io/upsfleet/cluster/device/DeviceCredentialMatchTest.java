package io.upsfleet.cluster.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which secret a presented one is, before and after a rotation's grace period. */
class DeviceCredentialMatchTest {
  private static final Instant UNTIL = Instant.parse("2026-12-07T10:00:00Z");
  private static final DeviceCredentials.Credential ROTATED =
      new DeviceCredentials.Credential(
          "AS1036123456",
          UUID.randomUUID(),
          DeviceCredentials.hash("new-secret"),
          DeviceCredentials.hash("old-secret"),
          UNTIL);

  @Test
  void thePreviousSecretWorksOnlyWithinTheGracePeriod() {
    assertThat(ROTATED.match(DeviceCredentials.hash("old-secret"), UNTIL.minusSeconds(1)))
        .isEqualTo(DeviceCredentials.Match.PREVIOUS);
    assertThat(ROTATED.match(DeviceCredentials.hash("old-secret"), UNTIL))
        .isEqualTo(DeviceCredentials.Match.NONE);
    assertThat(ROTATED.match(DeviceCredentials.hash("new-secret"), UNTIL.plusSeconds(3600)))
        .isEqualTo(DeviceCredentials.Match.CURRENT);
    assertThat(ROTATED.match(DeviceCredentials.hash("guess"), UNTIL.minusSeconds(1)))
        .isEqualTo(DeviceCredentials.Match.NONE);
  }

  @Test
  void withoutARotationOnlyTheSecretWorks() {
    var plain =
        new DeviceCredentials.Credential(
            "AS1036123456", UUID.randomUUID(), DeviceCredentials.hash("secret"));
    assertThat(plain.match(DeviceCredentials.hash("secret"), UNTIL))
        .isEqualTo(DeviceCredentials.Match.CURRENT);
    assertThat(plain.match(DeviceCredentials.hash("old-secret"), UNTIL))
        .isEqualTo(DeviceCredentials.Match.NONE);
  }
}
