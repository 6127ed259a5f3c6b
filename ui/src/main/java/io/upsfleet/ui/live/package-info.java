/**
 * Work off the request thread: {@link io.upsfleet.ui.live.LiveUpdates} owns the one scheduler
 * shared by every session. Views hand it a gateway call and a consumer; the result is applied with
 * {@code UI.access} and reaches the browser by server push. Polls stop when their view detaches.
 */
package io.upsfleet.ui.live;
