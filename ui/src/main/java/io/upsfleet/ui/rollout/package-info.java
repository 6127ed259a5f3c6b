/**
 * Firmware rollouts in the console (issue 13): start one from a selection of devices, watch its
 * progress, pause, resume or abort it.
 */
package io.upsfleet.ui.rollout;
