package io.upsfleet.load.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a report was measured.
 *
 * @param date when the report was written (ISO-8601)
 * @param java the simulator's JVM
 * @param cores processors the simulator's JVM saw
 * @param maxHeapMb the simulator's largest heap
 * @param os operating system and kernel
 * @param commit the harness's git commit (short hash, {@code -dirty} with uncommitted changes to
 *     tracked files), {@code unknown} when it could not be found; older reports may lack it
 * @param gatewayCommand the gateway's command line (its JVM flags), when its process id was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Environment(
    String date,
    String java,
    int cores,
    long maxHeapMb,
    String os,
    String commit,
    String gatewayCommand) {}
