package io.upsfleet.cluster.operation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Firmware available per model family and hardware platform id, versioned reference data in {@code
 * reference/firmware.csv}. A device's firmware string ({@code UPS 09.2 / ID=18}) names its
 * controller revision and platform; the catalogue offers only a release of the same family and
 * platform, compared on (major, minor). Never another family's.
 */
public final class FirmwareCatalog {
  private static final Pattern FIRMWARE =
      Pattern.compile("UPS (\\d{1,3})\\.(\\d{1,3}) / ID=(\\d{1,6})");

  /** A parsed firmware string. */
  public record Version(int major, int minor, int platformId) implements Comparable<Version> {
    @Override
    public int compareTo(Version o) {
      return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    /** The device's own spelling, {@code UPS 09.2 / ID=18}. */
    public String render() {
      return String.format("UPS %02d.%d / ID=%d", major, minor, platformId);
    }
  }

  /** One release: for {@code family} on {@code platformId}. */
  public record Release(
      String family,
      int platformId,
      Version version,
      String releaseNotes,
      boolean loadUnprotectedDuringUpgrade) {}

  private static final List<Release> RELEASES = load();

  private FirmwareCatalog() {}

  public static List<Release> all() {
    return RELEASES;
  }

  public static Optional<Version> parse(String firmware) {
    if (firmware == null) return Optional.empty();
    Matcher m = FIRMWARE.matcher(firmware.trim());
    if (!m.matches()) return Optional.empty();
    return Optional.of(
        new Version(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
  }

  /** The newest release for a family and platform. */
  public static Optional<Release> latest(String family, int platformId) {
    return RELEASES.stream()
        .filter(r -> r.family().equals(family) && r.platformId() == platformId)
        .max((a, b) -> a.version().compareTo(b.version()));
  }

  /**
   * The release a device running {@code firmware} of {@code family} should get, when it is newer.
   */
  public static Optional<Release> upgradeFor(String family, String firmware) {
    return parse(firmware)
        .flatMap(v -> latest(family, v.platformId()).filter(r -> r.version().compareTo(v) > 0));
  }

  private static List<Release> load() {
    List<Release> out = new ArrayList<>();
    try (InputStream in = FirmwareCatalog.class.getResourceAsStream("/reference/firmware.csv")) {
      if (in == null)
        throw new IllegalStateException("reference/firmware.csv is missing from the classpath");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.split(",", 5);
        if (f.length != 5)
          throw new IllegalStateException(
              "reference/firmware.csv line " + n + ": 5 fields expected");
        int lineNo = n;
        Version v =
            parse(f[2])
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "reference/firmware.csv line " + lineNo + ": bad version"));
        out.add(new Release(f[0], Integer.parseInt(f[1]), v, f[4], Boolean.parseBoolean(f[3])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableList(out);
  }
}
