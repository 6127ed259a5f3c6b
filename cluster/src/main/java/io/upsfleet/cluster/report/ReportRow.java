package io.upsfleet.cluster.report;

import java.time.LocalDate;

/**
 * One device in a report. Dates are UTC calendar dates; a null value is unknown (e.g. no sample
 * yet) and written as an empty cell.
 *
 * @param serial the serial number
 * @param model the model
 * @param site the device's site, or null (sites are not in the read model yet)
 * @param health the directory's health word ({@code OK}, {@code ON_BATTERY}, …)
 * @param status the last reported {@code ups.status} flags, space-separated
 * @param load {@code ups.load} of the latest stored point, %
 * @param charge {@code battery.charge} of the latest stored point, %
 * @param temperature {@code battery.temperature} of the latest stored point, °C
 * @param firmware the reported firmware
 * @param firmwareAvailable newer firmware offered and not installed, or null
 * @param rbc the model's replacement battery cartridge, or null when unknown
 * @param batteryInstalled the battery's install date (see {@link BatteryLife})
 * @param batteryReplaceBy its replace-by date
 * @param plan the current plan
 * @param planEnds when the plan coverage ends (appended terms included), or null on Basic
 * @param warrantyEnds end of the electronics warranty
 * @param batteryWarrantyEnds end of the battery warranty
 */
public record ReportRow(
    String serial,
    String model,
    String site,
    String health,
    String status,
    Double load,
    Double charge,
    Double temperature,
    String firmware,
    String firmwareAvailable,
    String rbc,
    LocalDate batteryInstalled,
    LocalDate batteryReplaceBy,
    String plan,
    LocalDate planEnds,
    LocalDate warrantyEnds,
    LocalDate batteryWarrantyEnds) {}
