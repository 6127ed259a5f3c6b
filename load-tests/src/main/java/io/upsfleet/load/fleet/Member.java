package io.upsfleet.load.fleet;

import java.util.ArrayList;
import java.util.List;

/** A provisioned device: its serial, MQTT secret and model. */
public record Member(String serial, String secret, String model) {

  /**
   * {@code n} devices that were never provisioned (serials {@code CAL000001…}, no secret), for a
   * broker that does not authenticate (Mosquitto); models cycle through the simulated range.
   */
  public static List<Member> unprovisioned(int n) {
    List<Member> out = new ArrayList<>(n);
    List<String> models = List.of("SMT1500C", "SMT3000IC", "SMTL1000RMI2UC", "SRT2200XLIC");
    for (int i = 1; i <= n; i++)
      out.add(new Member(String.format("CAL%06d", i), "-", models.get(i % models.size())));
    return out;
  }
}
