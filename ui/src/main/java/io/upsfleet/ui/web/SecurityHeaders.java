package io.upsfleet.ui.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security headers on every answer of the console: a Content-Security-Policy that Vaadin works with
 * (Vaadin's bootstrap needs inline scripts and styles and {@code eval}; everything else is the
 * console's own origin, push included), no framing by other sites, no content sniffing, no referrer
 * to other sites; over HTTPS also HSTS. With HTTPS on, a plain request is redirected to it, so that
 * the session cookie is only ever sent encrypted (it is then marked {@code Secure}).
 */
final class SecurityHeaders extends OncePerRequestFilter {
  static final String CSP =
      "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval';"
          + " style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
          + " frame-ancestors 'none'";

  /** The HTTPS port plain requests are redirected to; 0 when HTTPS is off. */
  private final int httpsPort;

  SecurityHeaders(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (httpsPort > 0 && !request.isSecure()) {
      String query = request.getQueryString();
      response.setStatus(308);
      response.setHeader(
          "Location",
          "https://"
              + request.getServerName()
              + ":"
              + httpsPort
              + request.getRequestURI()
              + (query == null ? "" : "?" + query));
      return;
    }
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "same-origin");
    if (request.isSecure()) {
      response.setHeader("Strict-Transport-Security", "max-age=31536000");
    }
    chain.doFilter(request, response);
  }
}
