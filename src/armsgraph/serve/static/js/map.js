// Draws #map: world countries (vendored Natural Earth TopoJSON) shaded by events per country.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof topojson === "undefined") return;
  var SVG = "http://www.w3.org/2000/svg";
  var W = 960, TOP = 84, BOTTOM = -57; // latitudes kept: Antarctica and the far north are cut
  var K = W / 360, H = (TOP - BOTTOM) * K;

  function project(p) { return [(p[0] + 180) * K, (TOP - p[1]) * K]; }
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
  function ringPath(ring) {
    var pts = [], lon = null, min = Infinity, max = -Infinity;
    for (var i = 0; i < ring.length; i++) {
      var x = ring[i][0];
      if (lon !== null) { while (x - lon > 180) x -= 360; while (lon - x > 180) x += 360; }
      lon = x;
      if (x < min) min = x;
      if (x > max) max = x;
      pts.push([x, ring[i][1]]);
    }
    var d = pathOf(pts, 0);
    if (max > 180) d += pathOf(pts, -360);
    if (min < -180) d += pathOf(pts, 360);
    return d;
  }
  function geometryPath(g) {
    if (!g) return "";
    var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    return polys.map(function (rings) { return rings.map(ringPath).join(""); }).join("");
  }
  function bucket(n, max) {
    if (!n) return 0;
    if (max <= 1) return 5;
    return Math.max(1, Math.min(5, Math.ceil(5 * Math.log(1 + n) / Math.log(1 + max))));
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
    var max = 0;
    data.countries.forEach(function (c) {
      if (c.numeric) byNumeric[c.numeric] = c;
      if (c.n_events > max) max = c.n_events;
    });
    var extra = el.getAttribute("data-events-query") || "";
    var features = topojson.feature(topo, topo.objects.countries).features;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H.toFixed(0));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "countries shaded by number of events");
    var shaded = 0;
    features.forEach(function (f) {
      if (f.id === "010") return; // Antarctica
      var c = byNumeric[f.id];
      var name = (c && c.name) || (f.properties && f.properties.name) || "";
      var n = c ? c.n_events : 0;
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", geometryPath(f.geometry));
      var q = bucket(n, max);
      if (q) {
        path.setAttribute("class", "has q" + q);
        path.setAttribute("data-iso3", c.iso3);
        path.setAttribute("data-events", String(n));
        shaded++;
        path.addEventListener("click", function () {
          var params = new URLSearchParams(extra);
          params.set("actor", c.id);
          window.location.href = "/events?" + params.toString();
        });
      }
      var title = document.createElementNS(SVG, "title");
      title.textContent = name + ": " + n + " event" + (n === 1 ? "" : "s");
      path.appendChild(title);
      svg.appendChild(path);
    });
    el.appendChild(svg);
    // The legend: the event counts each shade stands for.
    var legend = document.getElementById("map-legend");
    if (legend && max) {
      var seen = {};
      for (var n = 1; n <= max; n++) {
        var q = bucket(n, max);
        if (!seen[q]) seen[q] = [n, n]; else seen[q][1] = n;
      }
      Object.keys(seen).sort().forEach(function (q) {
        var item = document.createElement("span");
        var sw = document.createElement("span");
        sw.className = "swatch q" + q;
        item.appendChild(sw);
        var r = seen[q];
        item.appendChild(document.createTextNode(r[0] === r[1] ? String(r[0]) : r[0] + "–" + r[1]));
        legend.appendChild(item);
      });
    }
    el.setAttribute("data-shaded", String(shaded));
    el.setAttribute("data-ready", "true");
  }).catch(function (err) {
    el.classList.add("empty");
    el.textContent = "Could not draw the map: " + err.message;
    el.setAttribute("data-ready", "error");
  });
})();
