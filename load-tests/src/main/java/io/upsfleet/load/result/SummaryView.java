package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Every figure's median and min-max over a report's rounds, per target (figure name -> aggregate,
 * in the order of the harness's figure list), and the gateway / Mosquitto ratio of the median CPU
 * per message when both ran.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SummaryView(
    Map<String, Aggregate> gateway,
    Map<String, Aggregate> mosquitto,
    Double cpuRatioGatewayToMosquitto) {

  /**
   * Median, min and max of one figure over the rounds of one target, and how many rounds had it.
   */
  public record Aggregate(double median, double min, double max, int n) {}
}
