/**
 * The load harness's command line (picocli): provisioning, the demo's living fleet, and measured
 * scenarios against the gateway and against Mosquitto, with human and JSON reports.
 */
package io.upsfleet.load;
