// Stacked bars: tasks of each group by official status (ECharts, served locally).
(function () {
  var el = document.getElementById("plan-chart");
  var data = document.getElementById("plan-chart-data");
  if (!el || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  var lang = document.documentElement.lang;
  var names = lang === "vi"
    ? { completed_on_time: "Hoàn thành đúng hạn", completed_late: "Hoàn thành quá hạn", within_deadline: "Đang thực hiện trong hạn", overdue: "Quá hạn" }
    : { completed_on_time: "Completed on time", completed_late: "Completed late", within_deadline: "Within deadline", overdue: "Overdue" };
  var colours = { completed_on_time: "#1e6b34", completed_late: "#b36b00", within_deadline: "#0b5cad", overdue: "#b3261e" };
  var count = function (v) { return window.dieuhanhNumbers.number(v, 0); };
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption(window.dieuhanhNumbers.aria({
    tooltip: { trigger: "axis", valueFormatter: count }, legend: { top: 0 },
    grid: { left: 260, right: 20, top: 40, bottom: 20 },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: count } },
    yAxis: { type: "category", data: d.groups.slice().reverse(), axisLabel: { width: 250, overflow: "truncate" } },
    series: Object.keys(d.series).map(function (k) {
      return { name: names[k], type: "bar", stack: "all", data: d.series[k].slice().reverse(), itemStyle: { color: colours[k] } };
    })
  }));
  window.addEventListener("resize", function () { chart.resize(); });
})();
