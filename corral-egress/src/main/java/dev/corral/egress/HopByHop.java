package dev.corral.egress;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes the headers that belong to one hop (RFC 9110 §7.6.1) and any {@code Proxy-*} header, so
 * that neither side sees the other's connection management or proxy credentials. {@code
 * Transfer-Encoding} stays: the codecs re-frame the body with it.
 */
final class HopByHop {
  private static final List<String> FIXED =
      List.of("connection", "keep-alive", "te", "trailer", "upgrade");

  private HopByHop() {}

  static void strip(HttpHeaders headers) {
    List<String> names = new ArrayList<>(FIXED);
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",", -1)) {
        if (!token.isBlank()) {
          names.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    for (String name : headers.names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
        names.add(name);
      }
    }
    names.remove("transfer-encoding");
    names.forEach(headers::remove);
  }
}
