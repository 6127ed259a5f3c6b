package io.upsfleet.load.device;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The physics and behaviour of one simulated Smart-UPS, advanced in steps by {@link #tick}. Not
 * thread-safe: one owner (its connection's event loop) drives it.
 *
 * <p>What it models (DOMAIN.md §1–§2, §6): load drifting over the day with noise; on mains the
 * battery charges towards full; on battery it discharges at a rate that grows with load and shrinks
 * with battery health, runtime follows charge and load, {@code LB} comes before the battery is
 * empty and the output switches {@code OFF} at empty; temperature follows load; the battery ages
 * (runtime falls, eventually {@code RB}); brownouts and distorted input transfer to battery
 * depending on the input sensitivity; overload above 100 %; self-test, outlet-group reboot,
 * firmware upgrade and sensitivity commands, each executed at most once per command id.
 */
public final class SimulatedUps {
  /** A command the device received, to run. */
  public record Command(String id, String type, Map<String, Object> params, Instant expiresAt) {}

  /** What the device reports about a command. */
  public record CommandResult(
      String id, String status, String phase, int percent, String reason, String result) {}

  /** An event the device itself reports on its events topic. */
  public record DeviceEvent(String type, Map<String, String> details) {}

  /** What a tick produced for the connection to send. */
  public record Output(
      List<CommandResult> results,
      List<DeviceEvent> events,
      boolean reboot,
      boolean statusChanged) {}

  private final String serial;
  private final SimulatedModel model;
  private final Random random;
  private final Faults faults;

  private boolean mains = true;
  private double charge = 100;
  private double health;
  private double baseLoad;
  private double load;
  private double temperature = 28;
  private double inputVoltage;
  private String sensitivity = "high";
  private String firmware;
  private boolean overloadForced;
  private boolean off;
  private Instant outageEnds;
  private Instant testEnds;
  private boolean testing;
  private String testCommand;
  private final boolean[] outletOn;
  private final Instant[] outletOffUntil;
  private final Instant[] outletOnAt;
  private final String[] rebootCommand;
  private Upgrade upgrade;
  private String offerShown;
  private final Set<String> executed = new LinkedHashSet<>();
  private final ArrayDeque<CommandResult> pendingResults = new ArrayDeque<>();
  private final List<DeviceEvent> pendingEvents = new ArrayList<>();
  private String lastStatus = "";

  private static final int EXECUTED_KEPT = 256;

  /** A firmware upgrade in progress (started at the LCD: no command id, nothing to report). */
  private static final class Upgrade {
    final String commandId;
    final String target;
    double percent;
    String phase = "downloading";
    Instant phaseEnds;

    Upgrade(String commandId, String target) {
      this.commandId = commandId;
      this.target = target;
    }
  }

  /**
   * Fault injection and environment: shares of commands that fail and of firmware upgrades
   * interrupted, whether the mains suffers random brownouts (on in a realistic fleet, off where a
   * test counts exactly which devices are on battery), and whether a person at the LCD starts the
   * install of firmware the gateway offers on the display (a device on Basic).
   */
  public record Faults(
      double commandFailureShare,
      double upgradeInterruptShare,
      boolean brownouts,
      boolean personAtLcd) {
    /** No injected faults; realistic mains. */
    public static final Faults NONE = new Faults(0, 0, true);

    /** No injected faults and a perfect mains: only the outages a test causes. */
    public static final Faults QUIET = new Faults(0, 0, false);

    public Faults(double commandFailureShare, double upgradeInterruptShare, boolean brownouts) {
      this(commandFailureShare, upgradeInterruptShare, brownouts, false);
    }

    /** The same, with a person at the LCD who installs offered firmware (or not). */
    public Faults withPersonAtLcd(boolean present) {
      return new Faults(commandFailureShare, upgradeInterruptShare, brownouts, present);
    }
  }

  public SimulatedUps(String serial, SimulatedModel model, long seed, Faults faults) {
    this.serial = serial;
    this.model = model;
    this.random = new Random(seed);
    this.faults = faults;
    this.health = 0.7 + random.nextDouble() * 0.3;
    this.baseLoad = 15 + random.nextDouble() * 45;
    this.load = baseLoad;
    this.inputVoltage = model.nominalVolts();
    this.firmware = model.firmware();
    this.outletOn = new boolean[model.outletGroups()];
    this.outletOffUntil = new Instant[model.outletGroups()];
    this.outletOnAt = new Instant[model.outletGroups()];
    this.rebootCommand = new String[model.outletGroups()];
    Arrays.fill(outletOn, true);
  }

  public String serial() {
    return serial;
  }

  public SimulatedModel model() {
    return model;
  }

  public String firmware() {
    return firmware;
  }

  public double charge() {
    return charge;
  }

  public double load() {
    return load;
  }

  public boolean onBattery() {
    return !mains;
  }

  public boolean outputOff() {
    return off;
  }

  /** Mains fails for {@code duration} (an outage), starting now. */
  public void loseMains(Instant now, Duration duration) {
    mains = false;
    outageEnds = now.plus(duration);
  }

  /** Sets the base load (percent of rating); above 100 the UPS is overloaded. */
  public void setBaseLoad(double percent) {
    baseLoad = percent;
  }

  /** Ages the battery to {@code healthShare} of its original capacity (0..1). */
  public void setBatteryHealth(double healthShare) {
    health = Math.max(0.05, Math.min(1, healthShare));
  }

  /** Estimated runtime in seconds at the present charge and load. */
  public double runtimeSeconds() {
    double fullRuntime = model.fullLoadRuntimeSeconds() * health * (100.0 / Math.max(5, load));
    return Math.max(0, fullRuntime * charge / 100.0);
  }

  /** Advances the physics by {@code dt}; returns what to report. */
  public Output tick(Instant now, Duration dt) {
    double seconds = dt.toMillis() / 1000.0;
    double hour = (now.getEpochSecond() % 86_400) / 3600.0;
    // Load follows the working day, with noise; switched-off outlet groups shed their share.
    double diurnal = 1 + 0.25 * Math.sin((hour - 8) / 24 * 2 * Math.PI);
    double shed = 0;
    for (int g = 1; g < outletOn.length; g++) if (!outletOn[g]) shed += 1.0 / outletOn.length;
    load =
        off || !outletOn[0]
            ? 0
            : Math.max(0, baseLoad * diurnal * (1 - shed) + random.nextGaussian() * 1.5);
    if (!mains && outageEnds != null && !now.isBefore(outageEnds)) {
      mains = true;
      outageEnds = null;
      off = false;
    }
    // Poor input transfers to battery briefly; high sensitivity transfers more often.
    double brownoutChance =
        switch (sensitivity) {
              case "low" -> 0.0002;
              case "medium" -> 0.0006;
              default -> 0.0012;
            }
            * seconds;
    if (faults.brownouts() && mains && random.nextDouble() < brownoutChance)
      loseMains(now, Duration.ofSeconds(3 + random.nextInt(20)));
    inputVoltage = mains ? model.nominalVolts() * (0.97 + random.nextDouble() * 0.06) : 0;
    if (mains) {
      charge = Math.min(100, charge + seconds * 0.05);
    } else if (!off) {
      double fullRuntime = model.fullLoadRuntimeSeconds() * health * (100.0 / Math.max(5, load));
      charge = Math.max(0, charge - seconds / fullRuntime * 100);
      if (charge <= 0) off = true; // the battery is empty: the output switches off
    }
    temperature += ((24 + load * 0.18) - temperature) * Math.min(1, seconds / 600);
    health = Math.max(0.05, health - seconds * 1e-9); // slow ageing
    if (testing && now.isAfter(testEnds)) finishSelfTest();
    advanceOutlets(now);
    boolean reboot = advanceUpgrade(now);
    String status = status();
    boolean changed = !status.equals(lastStatus);
    lastStatus = status;
    List<CommandResult> results = new ArrayList<>(pendingResults);
    pendingResults.clear();
    List<DeviceEvent> events = new ArrayList<>(pendingEvents);
    pendingEvents.clear();
    return new Output(results, events, reboot, changed);
  }

  /** The {@code ups.status} flags, NUT style. */
  public String status() {
    List<String> flags = new ArrayList<>();
    if (off) {
      flags.add("OFF");
    } else if (mains) {
      flags.add("OL");
      if (charge < 99.5) flags.add("CHRG");
    } else {
      flags.add("OB");
      flags.add("DISCHRG");
    }
    if (!mains && !off && runtimeSeconds() < 300) flags.add("LB");
    if (health < 0.5) flags.add("RB");
    if (load > 100) flags.add("OVER");
    if (testing) flags.add("TEST");
    return String.join(" ", flags);
  }

  /** The telemetry sample now, as NUT variables. */
  public Map<String, Object> telemetry() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("ups.status", status());
    t.put("ups.load", round(Math.min(200, load)));
    t.put("battery.charge", round(charge));
    t.put("battery.runtime", Math.round(Math.min(172_800, runtimeSeconds())));
    t.put("battery.voltage", round(model.batteryVolts() * (0.92 + 0.08 * charge / 100)));
    t.put("battery.temperature", round(temperature));
    t.put("ups.temperature", round(temperature + 2));
    t.put("input.voltage", round(inputVoltage));
    t.put("input.frequency", mains ? round(model.nominalHz() + random.nextGaussian() * 0.05) : 0.0);
    t.put(
        "output.voltage",
        off ? 0.0 : round(model.nominalVolts() * (0.99 + random.nextDouble() * 0.02)));
    t.put("output.frequency", off ? 0.0 : (double) model.nominalHz());
    t.put("input.sensitivity", sensitivity);
    t.put("ups.firmware", firmware);
    t.put("ups.model", model.name());
    t.put("ups.serial", serial);
    for (int g = 0; g < outletOn.length; g++)
      t.put("outlet.group." + g + ".status", outletOn[g] ? "on" : "off");
    return t;
  }

  /**
   * Takes a command. An id seen before is ignored (at most once); a command past its expiry is
   * refused.
   *
   * @return false when it was a duplicate
   */
  public boolean receive(Command c, Instant now) {
    if (!executed.add(c.id())) return false;
    if (executed.size() > EXECUTED_KEPT) executed.remove(executed.iterator().next());
    if (c.expiresAt() != null && now.isAfter(c.expiresAt())) {
      pendingResults.add(
          new CommandResult(c.id(), "REJECTED", null, -1, "expired before it could start", null));
      return true;
    }
    boolean fail = random.nextDouble() < faults.commandFailureShare();
    switch (c.type()) {
      case "OUTLET_GROUP_REBOOT" -> {
        int group = ((Number) c.params().getOrDefault("group", 0)).intValue();
        if (group >= outletOn.length) {
          pendingResults.add(
              new CommandResult(c.id(), "REJECTED", null, -1, "no outlet group " + group, null));
          return true;
        }
        int offDelay = ((Number) c.params().getOrDefault("offDelaySeconds", 5)).intValue();
        int onDelay = ((Number) c.params().getOrDefault("onDelaySeconds", 10)).intValue();
        pendingResults.add(new CommandResult(c.id(), "ACCEPTED", null, -1, null, null));
        if (fail) {
          pendingResults.add(
              new CommandResult(c.id(), "FAILED", null, -1, "outlet relay did not switch", null));
          return true;
        }
        outletOffUntil[group] = now.plusSeconds(offDelay);
        outletOnAt[group] = now.plusSeconds(offDelay + onDelay);
        rebootCommand[group] = c.id();
      }
      case "SELF_TEST" -> {
        pendingResults.add(new CommandResult(c.id(), "ACCEPTED", null, -1, null, null));
        if (!mains) {
          pendingResults.add(new CommandResult(c.id(), "REJECTED", null, -1, "on battery", null));
          return true;
        }
        testing = true;
        testEnds = now.plusSeconds(8);
        testCommand = c.id();
      }
      case "SET_INPUT_SENSITIVITY" -> {
        String value = String.valueOf(c.params().get("sensitivity"));
        if (fail) {
          pendingResults.add(
              new CommandResult(c.id(), "FAILED", null, -1, "setting refused", null));
        } else {
          sensitivity = value;
          pendingResults.add(new CommandResult(c.id(), "SUCCEEDED", null, -1, null, null));
        }
      }
      case "FIRMWARE_UPGRADE" -> {
        if (upgrade != null) {
          pendingResults.add(
              new CommandResult(c.id(), "REJECTED", null, -1, "an upgrade is running", null));
          return true;
        }
        pendingResults.add(new CommandResult(c.id(), "ACCEPTED", null, -1, null, null));
        upgrade = new Upgrade(c.id(), String.valueOf(c.params().get("version")));
        upgrade.phaseEnds = now.plusSeconds(2);
        if (fail) upgrade.phase = "failing";
      }
      case "FIRMWARE_OFFER" -> {
        // Shown on the display; a person at the LCD may start the install, the gateway sees it in
        // the version reported after the reboot.
        offerShown = String.valueOf(c.params().get("version"));
        pendingResults.add(new CommandResult(c.id(), "SUCCEEDED", null, -1, null, null));
        if (faults.personAtLcd()) installFromLcd(now);
      }
      default ->
          pendingResults.add(
              new CommandResult(c.id(), "REJECTED", null, -1, "unknown command", null));
    }
    return true;
  }

  /** The firmware offer shown on the display, or null. */
  public String offerShown() {
    return offerShown;
  }

  /**
   * A person at the LCD starts the install of the firmware shown on the display (nothing happens
   * when none is shown or an upgrade runs).
   */
  public void installFromLcd(Instant now) {
    if (offerShown == null || upgrade != null) return;
    upgrade = new Upgrade(null, offerShown);
    upgrade.phaseEnds = now.plusSeconds(2);
    offerShown = null;
  }

  private void report(CommandResult r) {
    if (r.id() != null) pendingResults.add(r);
  }

  private void advanceOutlets(Instant now) {
    for (int g = 0; g < outletOn.length; g++) {
      if (outletOffUntil[g] != null
          && outletOn[g]
          && !now.isBefore(outletOffUntil[g].minusSeconds(0))
          && now.isBefore(outletOnAt[g])) {
        outletOn[g] = false;
      }
      if (outletOnAt[g] != null && !now.isBefore(outletOnAt[g])) {
        outletOn[g] = true;
        outletOffUntil[g] = null;
        outletOnAt[g] = null;
        pendingResults.add(new CommandResult(rebootCommand[g], "SUCCEEDED", null, -1, null, null));
        rebootCommand[g] = null;
      }
    }
  }

  private void finishSelfTest() {
    testing = false;
    boolean passed = health >= 0.5;
    pendingResults.add(
        new CommandResult(testCommand, "SUCCEEDED", null, -1, null, passed ? "passed" : "failed"));
    testCommand = null;
  }

  /**
   * Moves an upgrade through download, install and reboot; true when the device must reboot now.
   */
  private boolean advanceUpgrade(Instant now) {
    if (upgrade == null || now.isBefore(upgrade.phaseEnds)) return false;
    switch (upgrade.phase) {
      case "failing" -> {
        report(
            new CommandResult(
                upgrade.commandId, "FAILED", "downloading", 40, "checksum mismatch", null));
        pendingEvents.add(
            new DeviceEvent("FIRMWARE_FAILED", Map.of("reason", "checksum mismatch")));
        upgrade = null;
      }
      case "downloading" -> {
        upgrade.percent = Math.min(100, upgrade.percent + 50);
        report(
            new CommandResult(
                upgrade.commandId,
                "IN_PROGRESS",
                "downloading",
                (int) upgrade.percent,
                null,
                null));
        if (upgrade.percent >= 100) upgrade.phase = "installing";
        upgrade.phaseEnds = now.plusSeconds(1);
      }
      case "installing" -> {
        report(new CommandResult(upgrade.commandId, "IN_PROGRESS", "installing", -1, null, null));
        upgrade.phase = "rebooting";
        upgrade.phaseEnds = now.plusSeconds(1);
      }
      case "rebooting" -> {
        report(new CommandResult(upgrade.commandId, "IN_PROGRESS", "rebooting", -1, null, null));
        if (random.nextDouble() >= faults.upgradeInterruptShare()) firmware = upgrade.target;
        upgrade = null;
        return true;
      }
      default -> upgrade = null;
    }
    return false;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
