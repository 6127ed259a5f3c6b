/** Support shared by the cluster module's tests: a clock that tests move by hand. */
package io.upsfleet.cluster.testing;
