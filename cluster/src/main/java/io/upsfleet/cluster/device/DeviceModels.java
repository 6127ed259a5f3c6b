package io.upsfleet.cluster.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model catalogue, versioned reference data in {@code reference/models.csv}: family, battery
 * chemistry, rating, outlet groups (main group included) and the replacement battery cartridge
 * (with whether that mapping is verified). A model missing from the catalogue is treated by its
 * prefix: {@code SMTL} and {@code SCL} are lithium-ion, anything else lead-acid.
 */
public final class DeviceModels {
  /** Battery chemistry. */
  public enum Chemistry {
    LEAD_ACID,
    LITHIUM_ION
  }

  /** One catalogue entry; {@code rbc} is null when unknown. */
  public record Model(
      String model,
      String family,
      Chemistry chemistry,
      int nominalVolts,
      int ratingVa,
      int outletGroups,
      String rbc,
      boolean rbcVerified) {}

  private static final Map<String, Model> MODELS = load();

  private DeviceModels() {}

  public static Optional<Model> find(String model) {
    return Optional.ofNullable(MODELS.get(model));
  }

  public static Map<String, Model> all() {
    return MODELS;
  }

  public static Chemistry chemistryOf(String model) {
    return find(model)
        .map(Model::chemistry)
        .orElseGet(
            () ->
                model.startsWith("SMTL") || model.startsWith("SCL")
                    ? Chemistry.LITHIUM_ION
                    : Chemistry.LEAD_ACID);
  }

  private static Map<String, Model> load() {
    Map<String, Model> out = new LinkedHashMap<>();
    try (InputStream in = DeviceModels.class.getResourceAsStream("/reference/models.csv")) {
      if (in == null)
        throw new IllegalStateException("reference/models.csv is missing from the classpath");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.split(",", -1);
        if (f.length != 8)
          throw new IllegalStateException("reference/models.csv line " + n + ": 8 fields expected");
        out.put(
            f[0],
            new Model(
                f[0],
                f[1],
                Chemistry.valueOf(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4]),
                Integer.parseInt(f[5]),
                f[6].isEmpty() ? null : f[6],
                Boolean.parseBoolean(f[7])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(out);
  }
}
