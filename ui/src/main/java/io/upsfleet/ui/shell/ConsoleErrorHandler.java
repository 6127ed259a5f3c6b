package io.upsfleet.ui.shell;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ErrorHandler;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's last line: a failure nobody caught is logged and shown as a sentence (the API's
 * problem detail for a gateway failure), never as a stack trace.
 */
public final class ConsoleErrorHandler implements ErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsoleErrorHandler.class);

  @Override
  public void error(ErrorEvent event) {
    Throwable t = event.getThrowable();
    ApiError g = find(t);
    if (g == null) log.error("unexpected error in the console", t);
    else log.info("gateway call failed: {}", g.getMessage());
    if (UI.getCurrent() == null) return;
    if (g != null) Toasts.error(g);
    else Toasts.error("Something went wrong. The details were logged.");
  }

  private static ApiError find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApiError g) return g;
    }
    return null;
  }
}
