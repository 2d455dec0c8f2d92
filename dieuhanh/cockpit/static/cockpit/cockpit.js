// Dashboards: after a layout change the page reloads at "#<item>-controls"; put the keyboard focus back there.
// Line charts of indicator widgets are drawn from the JSON each widget embeds (ECharts served locally).
(function () {
  function refocus() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (!target) return;
    var first = target.querySelector("button, select, textarea, input:not([type=hidden])");
    // only while nothing else has the focus: never take it from where the person has moved it
    if (first && (document.activeElement === document.body || !document.activeElement)) first.focus();
  }
  refocus();
  window.addEventListener("load", refocus);
  if (!window.echarts) return;
  document.querySelectorAll("[data-line-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-line-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var number = function (v) { return window.dieuhanhNumbers.number(v); };
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      grid: { left: 50, right: 10, top: 10, bottom: 30 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", axisLabel: { formatter: number } },
      series: [{ type: "line", data: data.values, itemStyle: { color: "#0b5cad" } }],
      tooltip: { trigger: "axis", valueFormatter: number }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
