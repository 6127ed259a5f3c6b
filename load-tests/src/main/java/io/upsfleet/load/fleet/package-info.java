/**
 * Fleets: provisioning through the API, and running many simulated devices with a connect rate,
 * source address spreading and fault injection.
 */
package io.upsfleet.load.fleet;
