/**
 * S3 with notifications on: a local webhook receiver that checks every post's signature the way a
 * customer's receiver would, the sites, destination and policy it needs (made through the API), and
 * the accounting from each device's on-battery sample to the first message that covers it.
 */
package io.upsfleet.load.notify;
