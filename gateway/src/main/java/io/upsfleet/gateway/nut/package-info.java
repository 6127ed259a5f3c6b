/**
 * The NUT facade: a listener that speaks the Network UPS Tools network protocol as {@code upsd}
 * does (on Netty, one small pipeline per connection, no thread per connection), so that {@code
 * upsc}, {@code upsmon}, Home Assistant and other NUT clients read the fleet's UPSs (named by their
 * serials) from the entities' memory and start remote operations through {@code INSTCMD} and {@code
 * SET VAR}.
 */
package io.upsfleet.gateway.nut;
