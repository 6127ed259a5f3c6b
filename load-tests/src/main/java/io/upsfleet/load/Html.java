package io.upsfleet.load;

import static io.upsfleet.load.ChartFrame.HEIGHT;
import static io.upsfleet.load.ChartFrame.WIDTH;
import static io.upsfleet.load.HtmlValues.esc;

/**
 * The page being built: {@link #raw} for our own markup, {@link #text} for anything from the
 * document.
 */
final class Html {
  private final StringBuilder b = new StringBuilder(64 * 1024);

  Html raw(String markup) {
    b.append(markup);
    return this;
  }

  Html text(String s) {
    b.append(esc(s));
    return this;
  }

  Html swatch(String colour) {
    return raw("<span class=\"sw\" style=\"background:" + colour + "\"></span>");
  }

  Html svgOpen(String label) {
    return raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
            + WIDTH
            + " "
            + HEIGHT
            + "\" role=\"img\" aria-label=\"")
        .text(label)
        .raw("\">\n");
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
