/**
 * The simulated UPS: a model's facts and a small physics of load, battery, temperature and ageing,
 * the power events that matter, and the remote commands a real Smart-UPS answers, each executed at
 * most once.
 */
package io.upsfleet.load.device;
