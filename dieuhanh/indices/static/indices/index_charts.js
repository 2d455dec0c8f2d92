// Charts of the index pages (ECharts served locally): the ranking with 5–95 % rank intervals as error bars,
// a unit's pillars against its peers' median, and its score over the years.
(function () {
  if (!window.echarts) return;
  var vi = document.documentElement.lang === "vi";
  // Numbers the way the page's language writes them (vi: 1.234,5; en: 1,234.5), in tooltips and on axes.
  function fmt(v) {
    if (Array.isArray(v)) return v.length === 3 ? fmt(v[1]) + "–" + fmt(v[2]) : v.map(fmt).join(", ");
    return window.dieuhanhNumbers.number(v);
  }
  window.dieuhanhIndexFormat = fmt;
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(window.dieuhanhNumbers.aria(option, fmt));
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  var rankEl = document.getElementById("rank-chart");
  var r = data("rank-chart-data");
  if (rankEl && r) {
    var n = r.units.length;
    rankEl.style.height = Math.max(320, 18 * n + 60) + "px";
    var intervals = r.units.map(function (u, i) {
      return r.low[i] === null ? null : [i, r.low[i], r.high[i]];
    });
    draw(rankEl, {
      aria: { enabled: true }, legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
      grid: { left: 170, right: 30, top: 30, bottom: 30 },
      yAxis: { type: "category", data: r.units, inverse: true, axisLabel: { fontSize: 11 } },
      xAxis: { type: "value", name: vi ? "Thứ hạng" : "Rank", inverse: false, min: 1, max: r.of || n, minInterval: 1, axisLabel: { formatter: fmt } },
      series: [
        { name: vi ? "Khoảng 5–95 %" : "5–95 % interval", type: "custom", data: intervals.filter(function (x) { return x; }),
          renderItem: function (params, api) {
            var y = api.value(0), lo = api.coord([api.value(1), y]), hi = api.coord([api.value(2), y]);
            var h = api.size([0, 1])[1] * 0.4;
            var style = { stroke: "#4a4a4a", lineWidth: 1.5 };
            return { type: "group", children: [
              { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
              { type: "line", shape: { x1: lo[0], y1: lo[1] - h / 2, x2: lo[0], y2: lo[1] + h / 2 }, style: style },
              { type: "line", shape: { x1: hi[0], y1: hi[1] - h / 2, x2: hi[0], y2: hi[1] + h / 2 }, style: style }
            ] };
          },
          encode: { y: 0, x: [1, 2] } },
        { name: vi ? "Thứ hạng" : "Rank", type: "scatter", data: r.rank.map(function (v, i) { return [v, i]; }), symbolSize: 8, itemStyle: { color: "#0b5cad" },
          encode: { x: 0, y: 1 } },
        { name: vi ? "Trung vị thứ hạng" : "Median rank", type: "scatter", data: r.median.map(function (v, i) { return v === null ? null : [v, i]; }).filter(function (x) { return x; }),
          symbol: "diamond", symbolSize: 8, itemStyle: { color: "#b3261e" }, encode: { x: 0, y: 1 } }
      ]
    });
  }

  var card = data("scorecard-data");
  var pillarEl = document.getElementById("pillar-chart");
  if (pillarEl && card && card.pillars.length) {
    draw(pillarEl, {
      aria: { enabled: true }, legend: { top: 0 }, tooltip: { trigger: "axis", valueFormatter: fmt },
      grid: { left: 220, right: 30, top: 30, bottom: 20 },
      yAxis: { type: "category", data: card.pillars.map(function (p) { return p.name; }), inverse: true },
      xAxis: { type: "value", axisLabel: { formatter: fmt } },
      series: [
        { name: vi ? "Đơn vị" : "Unit", type: "bar", data: card.pillars.map(function (p) { return p.value; }), itemStyle: { color: "#0b5cad" } },
        { name: vi ? "Trung vị nhóm" : "Peers' median", type: "scatter", data: card.pillars.map(function (p) { return p.median; }), symbol: "diamond", symbolSize: 12, itemStyle: { color: "#b3261e" } }
      ]
    });
  }
  var trendEl = document.getElementById("trend-chart");
  if (trendEl && card && card.years.length) {
    draw(trendEl, {
      aria: { enabled: true }, tooltip: { trigger: "axis", valueFormatter: fmt }, grid: { left: 50, right: 50, top: 20, bottom: 30 },
      xAxis: { type: "category", data: card.years.map(String) },
      yAxis: [{ type: "value", scale: true, name: vi ? "Điểm" : "Score", axisLabel: { formatter: fmt } },
              { type: "value", inverse: true, minInterval: 1, name: vi ? "Hạng" : "Rank", axisLabel: { formatter: fmt } }],
      series: [
        { name: vi ? "Điểm" : "Score", type: "line", data: card.scores, itemStyle: { color: "#0b5cad" } },
        { name: vi ? "Hạng" : "Rank", type: "line", yAxisIndex: 1, data: card.ranks, itemStyle: { color: "#4a4a4a" }, lineStyle: { type: "dashed" } }
      ]
    });
  }
})();
