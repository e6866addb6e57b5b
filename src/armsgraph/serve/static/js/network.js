// Draws the actor network of #graph from the JSON at its data-src (cytoscape, vendored).
(function () {
  "use strict";
  var el = document.getElementById("graph");
  if (!el || typeof cytoscape === "undefined") return;
  var css = getComputedStyle(document.documentElement);
  function typeColor(t) { return css.getPropertyValue("--ty-" + t).trim() || "#888"; }
  // Node colours come from the stylesheet (--node-TYPE), which the page's key shows too.
  function nodeColor(t) {
    return css.getPropertyValue("--node-" + t).trim() || css.getPropertyValue("--node-other").trim() || "#6b7280";
  }

  function showMessage(text) {
    el.classList.add("empty");
    el.textContent = text;
    el.setAttribute("data-ready", "empty");
  }

  fetch(el.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error("the server answered " + r.status);
      return r.json();
    })
    .then(function (data) {
      if (!data.nodes.length) { showMessage("No actors in these events."); return; }
      var focus = el.getAttribute("data-focus");
      var maxN = Math.max.apply(null, data.nodes.map(function (n) { return n.n_events; }));
      var elements = data.nodes.map(function (n) {
        return {
          group: "nodes",
          data: {
            id: n.id, label: n.name, kind: n.type, n: n.n_events,
            size: 14 + 34 * Math.sqrt(n.n_events / maxN),
            color: nodeColor(n.type)
          },
          classes: n.id === focus ? "focus" : ""
        };
      });
      data.edges.forEach(function (e, i) {
        elements.push({
          group: "edges",
          data: {
            id: "e" + i, source: e.source, target: e.target, event: e.event_id, type: e.type,
            color: typeColor(e.type), width: 1.2 + 1.3 * Math.min(e.n_sources || 1, 8)
          },
          classes: e.directed ? "directed" : ""
        });
      });
      var cy = cytoscape({
        container: el,
        elements: elements,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: {
            "background-color": "data(color)", width: "data(size)", height: "data(size)",
            label: "data(label)", "font-size": 14, color: "#1d2330", "text-valign": "bottom",
            "text-margin-y": 3, "text-outline-color": "#fff", "text-outline-width": 2,
            "text-max-width": 150, "text-wrap": "ellipsis", "text-background-color": "#fff",
            "text-background-opacity": 0.75, "text-background-padding": 1, "z-index": 10
          } },
          { selector: "node.focus", style: { "border-width": 4, "border-color": nodeColor("focus"), "font-weight": "bold" } },
          { selector: "edge", style: {
            "line-color": "data(color)", width: "data(width)", "curve-style": "bezier",
            opacity: 0.8, "target-arrow-color": "data(color)"
          } },
          { selector: "edge.directed", style: { "target-arrow-shape": "triangle", "arrow-scale": 0.9 } },
          { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } }
        ],
        // Strong repulsion and long ideal edges keep labels of hub neighbours apart.
        layout: { name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
                  nodeRepulsion: function () { return 250000; }, idealEdgeLength: function () { return 90; },
                  nodeOverlap: 20, gravity: 0.3, numIter: 2500, componentSpacing: 80, padding: 30,
                  // Spread over the container's shape, not a square the page would shrink to fit.
                  boundingBox: { x1: 0, y1: 0, w: el.clientWidth, h: el.clientHeight } }
      });
      // A big graph is drawn zoomed out: grow the labels so they stay readable on screen.
      var zoom = cy.zoom();
      if (zoom < 1) {
        cy.style().selector("node").style("font-size", 13 / Math.max(zoom, 0.35)).update();
      }
      cy.on("tap", "node", function (evt) {
        window.location.href = "/actors/" + encodeURIComponent(evt.target.id());
      });
      cy.on("tap", "edge", function (evt) {
        window.location.href = "/events/" + encodeURIComponent(evt.target.data("event"));
      });
      cy.on("mouseover", "node, edge", function () { el.classList.add("pointing"); });
      cy.on("mouseout", "node, edge", function () { el.classList.remove("pointing"); });
      window.armsgraphNetwork = cy; // lets tests and curious users inspect the drawn graph
      el.setAttribute("data-nodes", String(cy.nodes().length));
      el.setAttribute("data-edges", String(cy.edges().length));
      el.setAttribute("data-ready", "true");
    })
    .catch(function (err) { showMessage("Could not load the network: " + err.message); });
})();
