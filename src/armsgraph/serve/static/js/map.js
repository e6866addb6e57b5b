// Draws #map: world countries (vendored Natural Earth TopoJSON) shaded by events per country,
// and the flows between them as arcs from supplier to recipient (data from /api/map).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof topojson === "undefined") return;
  var SVG = "http://www.w3.org/2000/svg";
  var W = 960, TOP = 84, BOTTOM = -57; // latitudes kept: Antarctica and the far north are cut
  var K = W / 360, H = (TOP - BOTTOM) * K;
  var COUNT = { all: "n_events", importers: "n_received", exporters: "n_supplied" };
  var WORDS = { all: "event", importers: "event received", exporters: "event supplied" };

  function project(p) { return [(p[0] + 180) * K, (TOP - p[1]) * K]; }
  function node(name, attrs) {
    var n = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }
  function pathOf(points, shift) {
    var d = "";
    for (var i = 0; i < points.length; i++) {
      var xy = project([points[i][0] + shift, points[i][1]]);
      d += (i ? "L" : "M") + xy[0].toFixed(1) + "," + xy[1].toFixed(1);
    }
    return d + "Z";
  }
  // A ring crossing the antimeridian (Russia, Fiji) would streak across the whole map:
  // make its longitudes continuous, then draw it again shifted by 360° for the other side.
  function unwrap(ring) {
    var pts = [], lon = null;
    for (var i = 0; i < ring.length; i++) {
      var x = ring[i][0];
      if (lon !== null) { while (x - lon > 180) x -= 360; while (lon - x > 180) x += 360; }
      lon = x;
      pts.push([x, ring[i][1]]);
    }
    return pts;
  }
  function ringPath(ring) {
    var pts = unwrap(ring), min = Infinity, max = -Infinity;
    pts.forEach(function (p) { if (p[0] < min) min = p[0]; if (p[0] > max) max = p[0]; });
    var d = pathOf(pts, 0);
    if (max > 180) d += pathOf(pts, -360);
    if (min < -180) d += pathOf(pts, 360);
    return d;
  }
  function polygonsOf(g) {
    if (!g) return [];
    return g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  }
  function geometryPath(g) {
    return polygonsOf(g).map(function (rings) { return rings.map(ringPath).join(""); }).join("");
  }
  // Where an arc starts or ends: the area-weighted centre of the country's largest polygon.
  function centre(g) {
    var best = null, bestArea = 0;
    polygonsOf(g).forEach(function (rings) {
      var pts = unwrap(rings[0]).map(project), a = 0, cx = 0, cy = 0;
      for (var i = 0; i < pts.length; i++) {
        var p = pts[i], q = pts[(i + 1) % pts.length], c = p[0] * q[1] - q[0] * p[1];
        a += c; cx += (p[0] + q[0]) * c; cy += (p[1] + q[1]) * c;
      }
      if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
    });
    if (!best) return null;
    best[0] = ((best[0] % W) + W) % W;
    return best;
  }
  function bucket(n, max) {
    if (!n) return 0;
    if (max <= 1) return 5;
    return Math.max(1, Math.min(5, Math.ceil(5 * Math.log(1 + n) / Math.log(1 + max))));
  }
  function money(v) {
    if (!v) return "";
    var scales = [[1e12, " trillion"], [1e9, " billion"], [1e6, " million"]];
    for (var i = 0; i < scales.length; i++) {
      if (v >= scales[i][0]) return "$" + String(+(v / scales[i][0]).toFixed(2)) + scales[i][1];
    }
    return "$" + Math.round(v).toLocaleString("en-US");
  }

  Promise.all([
    fetch(el.getAttribute("data-boundaries")).then(function (r) { return r.json(); }),
    fetch(el.getAttribute("data-src"), { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("the server answered " + r.status);
      return r.json();
    })
  ]).then(function (res) {
    var topo = res[0], data = res[1];
    var byNumeric = {};
    data.countries.forEach(function (c) { if (c.numeric) byNumeric[c.numeric] = c; });
    var extra = el.getAttribute("data-events-query") || "";
    var features = topojson.feature(topo, topo.objects.countries).features;
    var svg = node("svg", { viewBox: "0 0 " + W + " " + H.toFixed(0), role: "img",
                            "aria-label": "countries shaded by events, with supplier to recipient flows" });
    var defs = node("defs");
    var marker = node("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
                                  markerWidth: "5", markerHeight: "5", orient: "auto-start-reverse" });
    marker.appendChild(node("path", { d: "M0,0L10,5L0,10Z", "class": "arrowhead" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    var shapes = [], centres = {};
    features.forEach(function (f) {
      if (f.id === "010") return; // Antarctica
      var c = byNumeric[f.id];
      var path = node("path", { d: geometryPath(f.geometry) });
      var title = node("title");
      path.appendChild(title);
      svg.appendChild(path);
      centres[f.id] = centre(f.geometry);
      shapes.push({ path: path, title: title, c: c,
                    name: (c && c.name) || (f.properties && f.properties.name) || "" });
      if (c) {
        path.setAttribute("data-iso3", c.iso3);
        path.addEventListener("click", function () {
          var params = new URLSearchParams(extra);
          params.set("actor", c.id);
          window.location.href = "/events?" + params.toString();
        });
      }
    });
    // The flows, thicker with more events; drawn above the countries.
    var arcs = node("g", { "class": "flows" });
    var maxFlow = 1, drawn = 0;
    data.flows.forEach(function (fl) { if (fl.n_events > maxFlow) maxFlow = fl.n_events; });
    data.flows.forEach(function (fl) {
      var a = centres[fl.supplier_numeric], b = centres[fl.recipient_numeric];
      if (!a || !b) return;
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      // Bend to the left of the direction of travel: A→B and B→A stay apart.
      var bend = Math.min(120, 0.25 * len);
      var mx = (a[0] + b[0]) / 2 + (dy / len) * bend, my = (a[1] + b[1]) / 2 - (dx / len) * bend;
      var arc = node("path", {
        d: "M" + a[0].toFixed(1) + "," + a[1].toFixed(1) + "Q" + mx.toFixed(1) + "," + my.toFixed(1) +
           " " + b[0].toFixed(1) + "," + b[1].toFixed(1),
        "class": "flow", "marker-end": "url(#arrow)",
        "stroke-width": (1.6 + 3.6 * Math.sqrt(fl.n_events / maxFlow)).toFixed(2),
        "data-supplier": fl.supplier, "data-recipient": fl.recipient, "data-events": String(fl.n_events)
      });
      var kinds = Object.keys(fl.types).map(function (t) { return t.replace(/_/g, " ") + " " + fl.types[t]; });
      var t = node("title");
      t.textContent = fl.supplier_name + " → " + fl.recipient_name + ": " + fl.n_events + " event" +
        (fl.n_events === 1 ? "" : "s") + " (" + kinds.join(", ") + ")" + (fl.value_usd ? ", " + money(fl.value_usd) : "");
      arc.appendChild(t);
      arc.addEventListener("click", function () {
        if (fl.event_ids.length === 1) {
          window.location.href = "/events/" + encodeURIComponent(fl.event_ids[0]);
        } else {
          var params = new URLSearchParams(extra);
          params.set("actor", "country:" + fl.supplier);
          window.location.href = "/events?" + params.toString();
        }
      });
      arcs.appendChild(arc);
      drawn++;
    });
    svg.appendChild(arcs);
    el.appendChild(svg);

    var legend = document.getElementById("map-legend");
    function shade(mode) {
      var key = COUNT[mode] || "n_events", max = 0, shaded = 0;
      shapes.forEach(function (s) { var n = s.c ? s.c[key] : 0; if (n > max) max = n; });
      shapes.forEach(function (s) {
        var n = s.c ? s.c[key] : 0, q = bucket(n, max);
        s.path.setAttribute("class", q ? "has q" + q : "");
        if (q) { s.path.setAttribute("data-events", String(n)); shaded++; } else { s.path.removeAttribute("data-events"); }
        s.title.textContent = s.name + ": " + n + " " + WORDS[mode] + (n === 1 ? "" : "s");
      });
      if (legend) {
        legend.textContent = "";
        var seen = {};
        for (var n = 1; n <= max; n++) {
          var q = bucket(n, max);
          if (!seen[q]) seen[q] = [n, n]; else seen[q][1] = n;
        }
        Object.keys(seen).sort().forEach(function (q) {
          var item = document.createElement("span"), sw = document.createElement("span");
          sw.className = "swatch q" + q;
          item.appendChild(sw);
          var r = seen[q];
          item.appendChild(document.createTextNode(r[0] === r[1] ? String(r[0]) : r[0] + "–" + r[1]));
          legend.appendChild(item);
        });
      }
      el.setAttribute("data-shade", mode);
      el.setAttribute("data-shaded", String(shaded));
    }
    var params = new URLSearchParams(window.location.search);
    var mode = COUNT[params.get("shade")] ? params.get("shade") : "all";
    document.querySelectorAll("input[name=shade]").forEach(function (input) {
      input.checked = input.value === mode;
      input.addEventListener("change", function () {
        if (!input.checked) return;
        shade(input.value);
        var p = new URLSearchParams(window.location.search);
        if (input.value === "all") p.delete("shade"); else p.set("shade", input.value);
        var q = p.toString();
        history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
      });
    });
    var toggle = document.querySelector("input[name=arcs]");
    if (toggle) {
      toggle.addEventListener("change", function () { arcs.setAttribute("visibility", toggle.checked ? "visible" : "hidden"); });
    }
    shade(mode);
    el.setAttribute("data-flows", String(drawn));
    el.setAttribute("data-ready", "true");
  }).catch(function (err) {
    el.classList.add("empty");
    el.textContent = "Could not draw the map: " + err.message;
    el.setAttribute("data-ready", "error");
  });
})();
