package io.upsfleet.load.result;

import java.util.List;
import java.util.Map;

/**
 * S3 with notifications on, as measured at the webhook receiver (BENCHMARKS.md, "How each row was
 * obtained", defines "covered" and "named").
 *
 * @param devices devices that published an on-battery sample in the wave
 * @param coveredMs from each device's on-battery publish to the first message, arriving after it,
 *     about the device itself or an incident message (opened or updated) of its site
 * @param neverCovered devices no message covered
 * @param namedMs from the publish to the first message that names the device (its own, or in the
 *     list of an incident opened or updated)
 * @param neverNamed devices no such message named
 * @param posts posts received (a batch is one post)
 * @param messages messages received (a batch holds several)
 * @param messagesByKind messages by kind
 * @param sites sites of the fleet with at least one device in the wave
 * @param perSite per site name: messages that name it, by kind
 * @param maxMessagesPerSite the most messages any one site got
 * @param maxSiteMessagesPerMinute the most messages of one site within any 60 s (arrival)
 * @param maxIncidentMessagesPerSitePerMinute the most incident messages (opened, updated, resolved)
 *     of one site within any 60 s
 * @param duplicates posts whose delivery key had been received before
 * @param signatureFailures posts whose signature did not check out (answered 401)
 * @param neverCoveredSample up to 20 serials of devices never covered
 */
public record NotifyResult(
    int devices,
    Percentiles coveredMs,
    int neverCovered,
    Percentiles namedMs,
    int neverNamed,
    int posts,
    int messages,
    Map<String, Integer> messagesByKind,
    int sites,
    Map<String, Map<String, Integer>> perSite,
    int maxMessagesPerSite,
    int maxSiteMessagesPerMinute,
    int maxIncidentMessagesPerSitePerMinute,
    int duplicates,
    int signatureFailures,
    List<String> neverCoveredSample) {}
