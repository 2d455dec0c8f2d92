// Charts of the statistical audit page (ECharts served locally): correlation heatmaps (each indicator against each
// pillar, and within one chosen group) drawn on canvas, and effective against nominal weights.
(function () {
  if (!window.echarts) return;
  var vi = document.documentElement.lang === "vi";
  var numbers = window.dieuhanhNumbers;
  function fmt(v) { return numbers.number(v, 2); }
  var r2 = fmt;  // two places, never "-0,00"
  function pct(v) { return numbers.rate(v, 1, true); }
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function draw(el, option, renderer) {
    var chart = window.echarts.init(el, null, { renderer: renderer || "svg" });
    chart.setOption(numbers.aria(option, fmt), true);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  // Diverging scale: red for negative, white at zero, blue for positive correlation.
  var visual = { min: -1, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
    formatter: function (v) { return fmt(v); },
    inRange: { color: ["#b3261e", "#f4c7c3", "#ffffff", "#b7d3f2", "#0b5cad"] } };

  function heatmap(rows, cols, values, extra) {
    return {
      aria: { enabled: true },
      tooltip: { position: "top", formatter: function (p) {
        var v = p.value[2];
        return rows[p.value[1]] + " × " + cols[p.value[0]] + "<br>r = " + (v === null ? "—" : r2(v));
      } },
      grid: { left: 150, right: 20, top: 10, bottom: 110 },
      xAxis: { type: "category", data: cols, axisLabel: { rotate: 60, fontSize: 10, interval: 0 }, splitArea: { show: true } },
      yAxis: { type: "category", data: rows, inverse: true, axisLabel: { fontSize: 10, interval: 0 }, splitArea: { show: true } },
      visualMap: visual,
      series: [{ type: "heatmap", data: values.filter(function (v) { return v[2] !== null; }),
        label: { show: rows.length <= 12, fontSize: 10, formatter: function (p) { return r2(p.value[2]); } },
        emphasis: { itemStyle: { borderColor: "#222", borderWidth: 1 } } }].concat(extra || [])
    };
  }

  var maps = data("audit-heatmaps");
  var overviewEl = document.getElementById("corr-overview");
  if (maps && overviewEl) {
    var o = maps.overview;
    overviewEl.style.height = Math.max(360, 14 * o.rows.length + 130) + "px";
    // the indicator's own pillar, outlined
    var own = { type: "custom", silent: true, data: o.own, encode: { x: 0, y: 1 }, z: 10,
      renderItem: function (params, api) {
        var c = api.coord([api.value(0), api.value(1)]), s = api.size([1, 1]);
        return { type: "rect", shape: { x: c[0] - s[0] / 2, y: c[1] - s[1] / 2, width: s[0], height: s[1] },
          style: { fill: "none", stroke: "#222", lineWidth: 1.5 } };
      } };
    draw(overviewEl, heatmap(o.rows, o.cols, o.values, [own]), "canvas");
  }
  var groupEl = document.getElementById("corr-group-chart");
  var select = document.getElementById("corr-group");
  if (maps && groupEl && maps.groups.length) {
    var groupChart = null;
    var show = function (k) {
      var g = maps.groups[k];
      if (groupChart) groupChart.dispose();
      groupChart = draw(groupEl, heatmap(g.codes, g.codes, g.values), "canvas");
    };
    show(0);
    if (select) select.addEventListener("change", function () { show(Number(select.value)); });
  }

  var w = data("audit-weights");
  var weightsEl = document.getElementById("weights-chart");
  if (w && weightsEl && w.codes.length) {
    weightsEl.style.height = Math.max(320, 16 * w.codes.length + 80) + "px";
    draw(weightsEl, {
      aria: { enabled: true }, legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v === null ? "—" : pct(v); } },
      grid: { left: 170, right: 30, top: 30, bottom: 20 },
      yAxis: { type: "category", data: w.names, inverse: true, axisLabel: { fontSize: 10, interval: 0 } },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return pct(v); } } },
      series: [
        { name: vi ? "Trọng số danh nghĩa" : "Nominal weight", type: "bar", data: w.nominal, itemStyle: { color: "#9aa5b1" } },
        { name: vi ? "Trọng số hiệu dụng" : "Effective weight", type: "bar", data: w.effective, itemStyle: { color: "#0b5cad" } }
      ]
    });
  }
})();
