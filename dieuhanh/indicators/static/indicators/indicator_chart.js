// Values over time as a line, targets and baselines as points (ECharts, served locally).
(function () {
  var el = document.getElementById("indicator-chart");
  var data = document.getElementById("indicator-chart-data");
  if (!el || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  var vi = document.documentElement.lang === "vi";
  var categories = d.periods.slice();
  d.targets.forEach(function (t) { if (categories.indexOf(String(t.year)) < 0) categories.push(String(t.year)); });
  categories.sort();
  // Decimals reach the page as text ("46.00"): numbers for the chart, written in the page's language on it.
  function num(v) { return v === null || v === undefined || v === "" ? null : Number(v); }
  var fmt = function (v) { return window.dieuhanhNumbers.number(v); };
  var values = categories.map(function (c) { var i = d.periods.indexOf(c); return i < 0 ? null : num(d.values[i]); });
  function points(kind) {
    return categories.map(function (c) {
      var t = d.targets.filter(function (t) { return String(t.year) === c && t.kind === kind; })[0];
      return t ? num(t.value) : null;
    });
  }
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption(window.dieuhanhNumbers.aria({
    tooltip: { trigger: "axis", valueFormatter: fmt }, legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: categories }, yAxis: { type: "value", scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name: vi ? "Giá trị" : "Value", type: "line", data: values, connectNulls: true, itemStyle: { color: "#0b5cad" } },
      { name: vi ? "Mục tiêu" : "Target", type: "scatter", data: points("target"), symbol: "diamond", symbolSize: 14, itemStyle: { color: "#b3261e" } },
      { name: vi ? "Năm gốc" : "Baseline", type: "scatter", data: points("baseline"), symbolSize: 10, itemStyle: { color: "#4a4a4a" } }
    ]
  }));
  window.addEventListener("resize", function () { chart.resize(); });
})();
