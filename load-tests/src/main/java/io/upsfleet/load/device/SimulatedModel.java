package io.upsfleet.load.device;

import java.util.List;

/**
 * The facts of a simulated model that shape its behaviour: rating, battery, outlet groups,
 * firmware. Runtime at full load is a typical figure of the 1–3 kVA range; lithium models hold it
 * longer.
 */
public record SimulatedModel(
    String name,
    int ratingVa,
    int nominalVolts,
    int nominalHz,
    double batteryVolts,
    boolean lithium,
    int outletGroups,
    String firmware,
    double fullLoadRuntimeSeconds) {

  /** A realistic mix of the SmartConnect range. */
  public static final List<SimulatedModel> RANGE =
      List.of(
          new SimulatedModel("SMT750C", 750, 120, 60, 24, false, 2, "UPS 09.2 / ID=18", 300),
          new SimulatedModel("SMT1500C", 1500, 120, 60, 24, false, 2, "UPS 09.2 / ID=18", 360),
          new SimulatedModel("SMT1500IC", 1500, 230, 50, 24, false, 2, "UPS 09.8 / ID=18", 360),
          new SimulatedModel("SMT2200C", 2200, 120, 60, 48, false, 3, "UPS 16.5 / ID=1027", 420),
          new SimulatedModel("SMT3000IC", 3000, 230, 50, 48, false, 3, "UPS 16.5 / ID=1027", 400),
          new SimulatedModel("SMC1500C", 1500, 120, 60, 24, false, 1, "UPS 04.1 / ID=1005", 330),
          new SimulatedModel(
              "SMTL1000RMI2UC", 1000, 230, 50, 48, true, 2, "UPS 02.5 / ID=1040", 480),
          new SimulatedModel(
              "SCL1500RMI1UC", 1500, 230, 50, 48, true, 1, "UPS 01.9 / ID=1041", 450),
          new SimulatedModel(
              "SRT2200XLIC", 2200, 230, 50, 72, false, 3, "UPS 18.0 / ID=1030", 540));
}
