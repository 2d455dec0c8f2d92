// Draws the "units below, by type" bar chart from the JSON the page embeds (ECharts served locally).
(function () {
  var el = document.getElementById("composition-chart");
  var data = document.getElementById("composition-data");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var count = function (v) { return window.dieuhanhNumbers.number(v, 0); };
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption(window.dieuhanhNumbers.aria({
    grid: { left: 200, right: 20, top: 10, bottom: 20 },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: count } },
    yAxis: { type: "category", data: rows.map(function (r) { return r.label; }).reverse() },
    series: [{ type: "bar", data: rows.map(function (r) { return r.n; }).reverse(), itemStyle: { color: "#0b5cad" },
               label: { show: true, position: "right", formatter: function (p) { return count(p.value); } } }],
    tooltip: { valueFormatter: count }
  }));
  window.addEventListener("resize", function () { chart.resize(); });
})();
