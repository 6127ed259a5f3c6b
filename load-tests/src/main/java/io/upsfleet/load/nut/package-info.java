/**
 * The NUT benchmark: concurrent NUT clients polling {@code LIST VAR} over a fleet's UPSs through
 * the gateway's NUT facade, with requests per second and HdrHistogram latencies.
 */
package io.upsfleet.load.nut;
