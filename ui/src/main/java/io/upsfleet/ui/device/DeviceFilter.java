package io.upsfleet.ui.device;

import com.vaadin.flow.router.QueryParameters;
import io.upsfleet.api.client.DeviceQuery;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The device list's filters and order, as the API can apply them, and their shareable form in the
 * URL ({@code
 * devices?status=ON_BATTERY&q=AS10&account=…&plan=ADVANCED&model=SMT1500C&firmware=outdated&sort=-model}).
 * Unknown or malformed URL values are dropped, so a hand-edited link still opens. Immutable.
 *
 * @param status one of {@link #STATUSES} or null
 * @param search serial prefix or model substring (the API's {@code q}), or null
 * @param accountId an account's id (support only), or null for every account
 * @param plan one of {@link #PLANS} or null
 * @param model an exact model (upper case), or null
 * @param firmwareOutdated true: only devices offered newer firmware; false: only up to date; null:
 *     both
 * @param sort one of {@link #SORTS}, or null for the API's default (serial)
 */
public record DeviceFilter(
    String status,
    String search,
    String accountId,
    String plan,
    String model,
    Boolean firmwareOutdated,
    String sort) {
  /** The status filters of {@code GET /api/v1/devices}. */
  public static final List<String> STATUSES =
      List.of(
          "ONLINE",
          "OFFLINE",
          "CONNECTION_LOST",
          "ON_BATTERY",
          "LOW_BATTERY",
          "REPLACE_BATTERY",
          "OVERLOAD",
          "TEMPERATURE_HIGH");

  /** The plans, lowest first. */
  public static final List<String> PLANS = List.of("BASIC", "STANDARD", "ADVANCED");

  /** The orders of {@code GET /api/v1/devices}; {@code -} is descending. */
  public static final List<String> SORTS =
      List.of("serial", "-serial", "updatedAt", "-updatedAt", "model", "-model");

  private static final Set<String> KNOWN = Set.copyOf(STATUSES);
  private static final String UUID =
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
  private static final String MODEL = "[A-Z0-9]{3,24}";

  public static final DeviceFilter NONE = new DeviceFilter(null, null, null);

  public DeviceFilter {
    status = status != null && KNOWN.contains(status) ? status : null;
    search = search == null || search.isBlank() ? null : search.trim();
    if (search != null && search.length() > 64) search = search.substring(0, 64);
    accountId = accountId != null && accountId.matches(UUID) ? accountId : null;
    plan = plan != null && PLANS.contains(plan) ? plan : null;
    model = model == null ? null : model.trim().toUpperCase(Locale.ROOT);
    model = model != null && model.matches(MODEL) ? model : null;
    sort = sort != null && SORTS.contains(sort) && !sort.equals("serial") ? sort : null;
  }

  /** Status, search and account only, in serial order. */
  public DeviceFilter(String status, String search, String accountId) {
    this(status, search, accountId, null, null, null, null);
  }

  public static DeviceFilter fromUrl(QueryParameters qp) {
    Map<String, List<String>> p = qp.getParameters();
    String firmware = first(p, "firmware");
    Boolean outdated =
        "outdated".equals(firmware)
            ? Boolean.TRUE
            : "current".equals(firmware) ? Boolean.FALSE : null;
    return new DeviceFilter(
        first(p, "status"),
        first(p, "q"),
        first(p, "account"),
        first(p, "plan"),
        first(p, "model"),
        outdated,
        first(p, "sort"));
  }

  public QueryParameters toUrl() {
    return QueryParameters.simple(ordered());
  }

  /**
   * The URL query in a stable order (status, q, account, plan, model, firmware, sort), empty
   * without filters.
   */
  public String queryString() {
    return ordered().entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private Map<String, String> ordered() {
    Map<String, String> m = new LinkedHashMap<>();
    if (status != null) m.put("status", status);
    if (search != null) m.put("q", search);
    if (accountId != null) m.put("account", accountId);
    if (plan != null) m.put("plan", plan);
    if (model != null) m.put("model", model);
    if (firmwareOutdated != null) m.put("firmware", firmwareOutdated ? "outdated" : "current");
    if (sort != null) m.put("sort", sort);
    return m;
  }

  /** The API request for one page under this filter. */
  public DeviceQuery page(int page, int size) {
    // The API's q is a serial prefix (serials are upper case) or a model substring.
    return new DeviceQuery(
        status,
        search == null ? null : search.toUpperCase(Locale.ROOT),
        accountId,
        plan,
        model,
        firmwareOutdated,
        sort,
        page,
        size);
  }

  public DeviceFilter withStatus(String s) {
    return new DeviceFilter(s, search, accountId, plan, model, firmwareOutdated, sort);
  }

  public DeviceFilter withSearch(String s) {
    return new DeviceFilter(status, s, accountId, plan, model, firmwareOutdated, sort);
  }

  public DeviceFilter withAccount(String a) {
    return new DeviceFilter(status, search, a, plan, model, firmwareOutdated, sort);
  }

  public DeviceFilter withPlan(String p) {
    return new DeviceFilter(status, search, accountId, p, model, firmwareOutdated, sort);
  }

  public DeviceFilter withModel(String m) {
    return new DeviceFilter(status, search, accountId, plan, m, firmwareOutdated, sort);
  }

  public DeviceFilter withFirmwareOutdated(Boolean outdated) {
    return new DeviceFilter(status, search, accountId, plan, model, outdated, sort);
  }

  /** The same filters in another order ({@link #SORTS}; null or {@code serial} = by serial). */
  public DeviceFilter withSort(String s) {
    return new DeviceFilter(status, search, accountId, plan, model, firmwareOutdated, s);
  }

  private static String first(Map<String, List<String>> p, String key) {
    List<String> v = p.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
