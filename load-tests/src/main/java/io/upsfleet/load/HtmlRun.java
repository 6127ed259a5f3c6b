package io.upsfleet.load;

import static io.upsfleet.load.HtmlValues.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One run of the document with its label and chart colour. */
record HtmlRun(Map<String, Object> data, String label, String colour) {
  double num(String key) {
    return HtmlValues.num(data.get(key));
  }

  Map<String, Object> sub(String key) {
    return map(data.get(key));
  }

  List<Map<String, Object>> points(String key) {
    List<Map<String, Object>> points = new ArrayList<>();
    if (data.get(key) instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?>) points.add(map(o));
      }
    }
    return points;
  }
}
