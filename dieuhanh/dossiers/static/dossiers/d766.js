// Decision 766 pages: tabs, the period picker, and the monthly trend chart (ECharts served locally).
(function () {
  function selectTab(tab) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(t.getAttribute("aria-controls"));
      // Tabs sharing one panel (the drill-down) fill it by HTMX; separate panels are shown and hidden here.
      if (panel && list.querySelectorAll("[aria-controls='" + t.getAttribute("aria-controls") + "']").length === 1) panel.hidden = !on;
    });
  }
  document.addEventListener("click", function (e) {
    var tab = e.target.closest("[role=tab]");
    if (tab) selectTab(tab);
  });
  document.addEventListener("keydown", function (e) {
    var tab = e.target.closest && e.target.closest("[role=tab]");
    if (!tab || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });
  // Choosing a period clears a typed date range, and typing a range clears the period.
  document.addEventListener("change", function (e) {
    if (e.target.id === "d766-period-select" && e.target.value) {
      document.getElementById("d766-from").value = "";
      document.getElementById("d766-to").value = "";
    }
    if ((e.target.id === "d766-from" || e.target.id === "d766-to") && e.target.value) {
      document.getElementById("d766-period-select").value = "";
    }
  });

  function drawTrend() {
    var el = document.getElementById("d766-trend");
    var data = document.getElementById("d766-trend-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    if (!d) return;
    var vi = document.documentElement.lang === "vi";
    var existing = window.echarts.getInstanceByDom(el);
    if (existing) existing.dispose();
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var labels = d.periods.map(function (p) { var parts = p.split("-"); return parts[1] + "/" + parts[0]; });
    function fmt(v) { return window.dieuhanhNumbers.number(v); }
    chart.setOption(window.dieuhanhNumbers.aria({
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: vi ? "Tổng điểm" : "Total", type: "line", data: d.total, connectNulls: false, itemStyle: { color: "#0b5cad" } },
        { name: vi ? "Tỷ lệ đúng hạn (%)" : "On time (%)", type: "line", data: d.on_time, connectNulls: false, itemStyle: { color: "#1b7f3b" } }
      ]
    }));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  drawTrend();
  document.addEventListener("htmx:afterSettle", drawTrend);
})();
