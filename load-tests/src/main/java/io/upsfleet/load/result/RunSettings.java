package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code run} options a report was measured with (durations as ISO-8601 text). Options added
 * later are null in older reports and left out when not used. {@code notifications} is {@code
 * --notify} (JSON {@code notify}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSettings(
    int devices,
    String target,
    int rounds,
    String interval,
    String tick,
    int qos,
    double connectRate,
    String warmup,
    String duration,
    double commandRate,
    double outageShare,
    String outageDuration,
    Integer mqttNodes,
    String killAfter,
    @JsonProperty("notify") Boolean notifications,
    Integer sites,
    String notifySettle,
    Boolean quietMains,
    Boolean sampleOnConnect) {}
